extension JSONPresets {
    /// Traefik's JSON access log: `DownstreamStatus`, `Duration` in ns, headers kept as
    /// `request_<Name>`, `downstream_<Name>` and `origin_<Name>`.
    public static var traefik: JSONFieldMap {
        var m = JSONFieldMap(requiresPath: true)
        m.add(.time, "StartUTC", "StartLocal", "time")
        m.add(.status, "DownstreamStatus", "OriginStatus")
        m.add(.method, "RequestMethod")
        m.add(.path, "RequestPath")
        m.add(.duration, "Duration", unit: .nanoseconds)
        m.add(.clientAddress, "ClientHost", "ClientAddr")
        m.add(.code, "downstream_X-Error-Code", "origin_X-Error-Code")
        m.add(.idempotencyKey, "request_Idempotency-Key")
        m.add(.retryAfter, "downstream_Retry-After", "origin_Retry-After")
        return m
    }
}
