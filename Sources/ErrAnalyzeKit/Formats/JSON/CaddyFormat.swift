extension JSONPresets {
    /// Caddy's access log (`http.log.access`): request fields nested under `request`,
    /// headers as arrays, `ts` and `duration` in seconds.
    public static var caddy: JSONFieldMap {
        var m = JSONFieldMap(requiresPath: true)
        m.add(.time, "ts")
        m.add(.status, "status")
        m.add(.method, "request.method")
        m.add(.path, "request.uri")
        m.add(.duration, "duration", unit: .seconds)
        m.add(.clientAddress, "request.client_ip", "request.remote_ip", "request.remote_addr")
        m.add(.code, "resp_headers.X-Error-Code")
        m.add(.idempotencyKey, "request.headers.Idempotency-Key")
        m.add(.retryAfter, "resp_headers.Retry-After")
        return m
    }
}
