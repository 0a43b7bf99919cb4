import Testing
@testable import ErrAnalyzeKit

/// The dashboard's keys and layout as plain data.
@Suite struct LiveScreenTests {
    func press(_ state: inout LiveScreenState, _ key: LiveKey) -> Bool { state.handle(key) }

    @Test func keysChangeTheState() {
        var state = LiveScreenState(windowMinutes: 1)
        #expect(press(&state, .tab) && state.panel == .routes)
        #expect(press(&state, .character("4")) && state.panel == .clients)
        #expect(press(&state, .tab) && state.panel == .codes)
        #expect(press(&state, .backTab) && state.panel == .clients)
        #expect(press(&state, .character("w")) && state.windowMinutes == 5)
        #expect(press(&state, .character("s")) && state.sort == .requests)
        #expect(press(&state, .character("p")) && state.paused)
        _ = state.handle(.character("/"))
        for c in "/v1x" { _ = state.handle(.character(c)) }
        _ = state.handle(.backspace)
        #expect(state.editingFilter == "/v1")
        #expect(press(&state, .character("q")), "q while typing a filter is a letter")
        _ = state.handle(.enter)
        #expect(state.filter == LiveFilter("/v1q") && state.editingFilter == nil)
        _ = state.handle(.escape)
        #expect(state.filter.isEmpty)
        #expect(!press(&state, .character("q")))
    }

    @Test func theLayoutFitsTheTerminalAndShowsTheNumbers() {
        var snapshot = LiveSnapshot(windowMinutes: 5, seconds: 100)
        snapshot.requests = 12_345
        snapshot.errors = 1_234
        snapshot.sparkline = (0..<15).map { LiveSnapshot.SparkPoint(minute: Int64($0), requests: Int64($0 * 10), errors: Int64($0)) }
        snapshot.codes = [LiveSnapshot.CodeRow(code: "PROVIDER_ERROR", status: 502, count: 40, previous: 0, change: .new)]
        let state = LiveScreenState(windowMinutes: 5)
        for (width, height) in [(120, 40), (60, 20), (20, 5)] {
            let lines = LiveScreenLayout.lines(snapshot, state: state, width: width, height: height, now: 0, source: "access.log", unicode: true)
            #expect(lines.count == height)
            #expect(lines.allSatisfy { $0.reduce(0) { $0 + $1.text.count } <= max(20, width) })
        }
        let lines = LiveScreenLayout.lines(snapshot, state: state, width: 120, height: 40, now: 0, source: "access.log", unicode: true)
        let text = lines.map { $0.map(\.text).joined() }
        #expect(text[0].contains("[5 min]"))
        #expect(text[1].hasPrefix("Requests 12,345 (123.5/s)"))
        #expect(text[1].contains("Error rate 10.00%"))
        #expect(text[2].contains("▂") && text[2].contains("█"), "\(text[2])")
        #expect(text.contains { $0.hasPrefix("PROVIDER_ERROR") && $0.contains("NEW") })
        let ascii = LiveScreenLayout.lines(snapshot, state: state, width: 120, height: 40, now: 0, source: "x", unicode: false)
        #expect(!ascii.map { $0.map(\.text).joined() }.joined().contains("█"))
    }
}
