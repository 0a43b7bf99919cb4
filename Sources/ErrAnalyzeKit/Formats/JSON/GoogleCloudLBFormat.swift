extension JSONPresets {
    /// Google Cloud HTTP(S) load balancer (and Cloud Run / App Engine request) entries as
    /// exported from Cloud Logging: the `httpRequest` object, `latency` like `"0.012s"`.
    /// Entries without `httpRequest` are skipped.
    public static var gcp: JSONFieldMap {
        var m = JSONFieldMap(requiresPath: true)
        m.add(.time, "timestamp", "receiveTimestamp")
        m.add(.status, "httpRequest.status")
        m.add(.method, "httpRequest.requestMethod")
        m.add(.path, "httpRequest.requestUrl")
        m.add(.duration, "httpRequest.latency", unit: .seconds)
        m.add(.clientAddress, "httpRequest.remoteIp")
        m.add(.code, "jsonPayload.error_code", "jsonPayload.errorCode", "jsonPayload.error.code", "labels.error_code")
        m.add(.idempotencyKey, "jsonPayload.idempotency_key", "labels.idempotency_key")
        m.add(.retryAfter, "jsonPayload.retry_after", "labels.retry_after")
        return m
    }
}
