extension JSONPresets {
    /// Cloudflare Logpush / Logpull `http_requests`: `EdgeResponseStatus`,
    /// `EdgeStartTimestamp` (ns, s or RFC 3339), headers from custom-field
    /// `RequestHeaders` / `ResponseHeaders` objects.
    public static var cloudflare: JSONFieldMap {
        var m = JSONFieldMap(requiresPath: true)
        m.add(.time, "EdgeStartTimestamp", "EdgeEndTimestamp")
        m.add(.status, "EdgeResponseStatus")
        m.add(.method, "ClientRequestMethod")
        m.add(.path, "ClientRequestURI", "ClientRequestPath")
        m.add(.duration, "EdgeTimeToFirstByteMs", "OriginResponseDurationMs", unit: .milliseconds)
        m.add(.clientAddress, "ClientIP")
        m.add(.code, "ResponseHeaders.x-error-code", "OriginResponseHeaders.x-error-code")
        m.add(.idempotencyKey, "RequestHeaders.idempotency-key")
        m.add(.retryAfter, "ResponseHeaders.retry-after")
        return m
    }
}
