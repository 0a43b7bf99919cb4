extension JSONPresets {
    /// Envoy (and Istio) `json_format` access logs with the conventional key names:
    /// `response_code`, `start_time`, `duration` in ms; error code from an
    /// `"x_error_code": "%RESP(X-ERROR-CODE)%"` key.
    public static var envoy: JSONFieldMap {
        var m = JSONFieldMap(requiresPath: true)
        m.add(.time, "start_time", "timestamp")
        m.add(.status, "response_code")
        m.add(.method, "method", "request_method")
        m.add(.path, "path", "x_envoy_original_path")
        m.add(.duration, "duration", unit: .milliseconds)
        m.add(.clientAddress, "downstream_remote_address", "downstream_direct_remote_address")
        m.add(.code, "x_error_code", "error_code", "resp_x_error_code")
        m.add(.idempotencyKey, "idempotency_key", "req_idempotency_key")
        m.add(.retryAfter, "retry_after", "resp_retry_after")
        return m
    }
}
