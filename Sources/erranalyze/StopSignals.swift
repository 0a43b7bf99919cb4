import Dispatch
import ErrAnalyzeKit
import Foundation

/// SIGTERM (systemd's stop) and SIGINT (Ctrl-C) turned into a `FollowStop` request, so that
/// a follower or the live view finishes what it is doing and exits 0 instead of dying in the
/// middle of a commit. Keep the value alive for as long as the signals should be caught.
struct StopSignals {
    private let sources: [DispatchSourceSignal]

    init(requesting stop: FollowStop) {
        sources = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop.request() }
            source.resume()
            return source
        }
    }
}
