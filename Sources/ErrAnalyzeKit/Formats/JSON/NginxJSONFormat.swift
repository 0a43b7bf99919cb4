extension JSONPresets {
    /// nginx with a JSON `log_format … escape=json`: the keys people name after the
    /// variables they log (`"status":"$status"`, `"request":"$request"`…).
    public static var nginx: JSONFieldMap {
        var m = JSONFieldMap(requiresPath: true)
        m.add(.time, "time_iso8601", "time_local", "msec", "time", "timestamp", "@timestamp")
        m.add(.status, "status")
        m.add(.request, "request")
        m.add(.method, "request_method", "method")
        m.add(.path, "request_uri", "uri")
        m.add(.duration, "request_time", "upstream_response_time", unit: .seconds)
        m.add(.clientAddress, "remote_addr", "realip_remote_addr")
        m.add(.code, "sent_http_x_error_code", "upstream_http_x_error_code", "x_error_code", "error_code")
        m.add(.idempotencyKey, "http_idempotency_key", "idempotency_key")
        m.add(.retryAfter, "sent_http_retry_after", "upstream_http_retry_after", "retry_after")
        return m
    }
}
