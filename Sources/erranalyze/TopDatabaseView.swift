import ArgumentParser
import ErrAnalyzeKit
import ErrAnalyzeStores
import Foundation

/// `top` with no files: the database's latest minutes (`LiveDatabaseFeed`), read again every
/// interval; with a PostgreSQL database, every host of the fleet. Nothing is ever written. A
/// database that does not exist yet, or holds no recent minutes, is said on the screen (or the
/// line) and `top` keeps looking, exit status 0.
extension TopCommand {
    func runDatabaseView() throws {
        let seconds = try IngestCommand.parseInterval(interval)
        let location = try database.location()
        let now = { Int64(Date().timeIntervalSince1970) }
        let feed = LiveDatabaseFeed(now: now()) {
            guard let store = try StoreFactory.reader(location) as? any RecentMinutesStore else {
                throw ValidationError("\(location): this store keeps no recent minutes")
            }
            return store
        }
        let stop = FollowStop()
        let signals = StopSignals(requesting: stop)
        defer { withExtendedLifetime(signals) {} }
        feed.refresh(now: now())

        if Terminal.standardOutputIsTerminal && ProcessInfo.processInfo.environment["TERM"] != "dumb" {
            // The reading runs on its own thread (a slow server never freezes the keys); this
            // one shows the view.
            let reading = DispatchGroup()
            reading.enter()
            Thread.detachNewThread {
                while !stop.wait(seconds: seconds) { feed.refresh(now: now()) }
                reading.leave()
            }
            TopScreen.run(view: feed.view, state: LiveScreenState(windowMinutes: window, filter: filter ?? ""), interval: seconds,
                          count: count, source: "database " + location.description, stop: stop, failures: FailureList(),
                          notice: { feed.notice })
            stop.request()
            reading.wait()
            return
        }
        let liveFilter = LiveFilter(filter ?? "")
        Terminal.output(LiveWindowLine.header(windowMinutes: window) + "\n")
        var shown = 0
        while true {
            Terminal.output(LiveWindowLine.line(view: feed.view, time: now(), windowMinutes: window, filter: liveFilter,
                                                notice: feed.notice) + "\n")
            shown += 1
            if let count, shown >= count { break }
            if stop.wait(seconds: seconds) { break }
            feed.refresh(now: now())
        }
    }
}
