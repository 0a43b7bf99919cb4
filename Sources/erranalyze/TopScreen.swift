import CNcurses
import ErrAnalyzeKit
import Foundation

/// `top`'s full-screen dashboard: draws `LiveScreenLayout`'s lines with ncurses and turns key
/// presses into `LiveKey`s. ncurses owns the terminal while it runs (alternate screen, raw
/// keys, resize) and `endwin` gives it back — on `q`, on SIGINT/SIGTERM (they stop the loop,
/// which then ends the screen) and on errors (the screen is ended by `defer`).
enum TopScreen {
    /// Runs until `q`, a stop request, or `count` refreshes; the view is refreshed every `interval`.
    static func run(view: LiveView, state initial: LiveScreenState, interval: Double, count: Int?, source: String,
                    stop: FollowStop, failures: FailureList, notice: (() -> String?)? = nil) {
        setlocale(LC_ALL, "")
        let unicode = String(cString: nl_langinfo(nl_item(CODESET))) == "UTF-8"
        let colour = (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        // Keys come from the terminal even when standard input is the log (`top -`).
        guard let keyboard = fopen("/dev/tty", "r"), let screen = newterm(nil, stdout, keyboard) else { return }
        set_term(screen)
        defer {
            endwin()
            delscreen(screen)
            fclose(keyboard)
        }
        cbreak()
        noecho()
        _ = cn_keypad(1)
        curs_set(0)
        set_escdelay(25)
        if colour && has_colors() {
            start_color()
            use_default_colors()
            init_pair(1, Int16(COLOR_GREEN), -1)
            init_pair(2, Int16(COLOR_YELLOW), -1)
            init_pair(3, Int16(COLOR_RED), -1)
            init_pair(4, Int16(COLOR_CYAN), -1)
        }
        cn_timeout(100)

        var state = initial
        var shown: LiveSnapshot?
        var lastDraw = Date.distantPast
        var refreshes = 0
        var message: String?
        while !stop.isRequested {
            let key = cn_getch()
            if key != ERR {
                guard let live = liveKey(key) else { continue }
                if live != .resize && !state.handle(live) { return }
                if live == .resize { erase_() }
                if !state.paused {
                    // Numbers of the window, filter and sort just chosen, not of the last ones.
                    shown = view.snapshot(windowMinutes: state.windowMinutes, now: Int64(Date().timeIntervalSince1970),
                                          filter: state.filter, sort: state.sort)
                }
                draw(shown, state: state, source: source, unicode: unicode, colour: colour, message: message)
            }
            if Date().timeIntervalSince(lastDraw) >= interval {
                lastDraw = Date()
                if let failure = failures.take().last { message = failure }
                if let notice { message = notice() }
                if !state.paused || shown == nil {
                    shown = view.snapshot(windowMinutes: state.windowMinutes, now: Int64(Date().timeIntervalSince1970),
                                          filter: state.filter, sort: state.sort)
                }
                draw(shown, state: state, source: source, unicode: unicode, colour: colour, message: message)
                refreshes += 1
                if let count, refreshes >= count { return }
            }
        }
    }

    private static func erase_() { _ = cn_erase() }

    private static func draw(_ snapshot: LiveSnapshot?, state: LiveScreenState, source: String, unicode: Bool, colour: Bool,
                             message: String?) {
        guard let snapshot else { return }
        let width = Int(cn_cols()), height = Int(cn_lines())
        var lines = LiveScreenLayout.lines(snapshot, state: state, width: width, height: height,
                                           now: Int64(Date().timeIntervalSince1970), source: source, unicode: unicode)
        if let message, height > 2 {
            lines[height - 2] = [LiveScreenLayout.Segment(text: String(message.prefix(width)), style: .alert)]
        }
        _ = cn_erase()
        for (row, line) in lines.enumerated() {
            var column: Int32 = 0
            for segment in line {
                let attributes = attributes(segment.style, colour: colour)
                _ = cn_attron(attributes)
                _ = cn_mvaddstr(Int32(row), column, segment.text)
                _ = cn_attroff(attributes)
                column += Int32(segment.text.count)
            }
        }
        _ = cn_refresh()
    }

    private static func attributes(_ style: LiveScreenLayout.Style, colour: Bool) -> Int32 {
        let pair: Int16
        var extra: Int32 = 0
        switch style {
        case .normal: return 0
        case .title: pair = 4; extra = cn_a_bold()
        case .heading: pair = 0; extra = cn_a_bold()
        case .selected: pair = 0; extra = cn_a_reverse()
        case .dim: pair = 0; extra = cn_a_dim()
        case .good: pair = 1
        case .warning: pair = 2; extra = colour ? 0 : cn_a_bold()
        case .alert: pair = 3; extra = cn_a_bold()
        }
        return (colour && pair > 0 ? cn_color_pair(pair) : 0) | extra
    }

    private static func liveKey(_ code: Int32) -> LiveKey? {
        switch code {
        case KEY_RESIZE: return .resize
        case 9: return .tab
        case KEY_BTAB: return .backTab
        case 10, 13, KEY_ENTER: return .enter
        case 27: return .escape
        case 127, 8, KEY_BACKSPACE: return .backspace
        case 32..<127: return .character(Character(UnicodeScalar(UInt8(code))))
        default: return nil
        }
    }
}
