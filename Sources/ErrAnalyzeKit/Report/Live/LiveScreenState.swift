/// What the dashboard's keys change: the panel shown, the window, the sort, the filter, and
/// whether the view is paused. Plain data: the terminal only turns key presses into `LiveKey`s.
public struct LiveScreenState: Sendable, Equatable {
    public enum Panel: Int, Sendable, CaseIterable {
        case codes, routes, hosts, clients

        public var title: String {
            switch self {
            case .codes: return "Codes"
            case .routes: return "Routes"
            case .hosts: return "Hosts"
            case .clients: return "Clients 429"
            }
        }
    }

    public var panel: Panel = .codes
    public var windowMinutes: Int
    public var sort: LiveSort = .errors
    public var filter = LiveFilter("")
    public var paused = false
    /// The filter being typed after `/`, or nil.
    public var editingFilter: String?

    public init(windowMinutes: Int = 1, filter: String = "") {
        self.windowMinutes = windowMinutes
        self.filter = LiveFilter(filter)
    }

    /// Applies `key`; false when it asks to quit.
    public mutating func handle(_ key: LiveKey) -> Bool {
        if var text = editingFilter {
            switch key {
            case .enter: filter = LiveFilter(text); editingFilter = nil
            case .escape: editingFilter = nil
            case .backspace: if !text.isEmpty { text.removeLast() }; editingFilter = text
            case .character(let c) where !c.isNewline: text.append(c); editingFilter = text
            default: break
            }
            return true
        }
        switch key {
        case .character("q"), .character("Q"): return false
        case .character("p"), .character(" "): paused.toggle()
        case .tab: panel = Panel(rawValue: (panel.rawValue + 1) % Panel.allCases.count)!
        case .backTab: panel = Panel(rawValue: (panel.rawValue + Panel.allCases.count - 1) % Panel.allCases.count)!
        case .character(let c) where c.wholeNumberValue.map({ (1...Panel.allCases.count).contains($0) }) == true:
            panel = Panel(rawValue: c.wholeNumberValue! - 1)!
        case .character("w"):
            let windows = LiveView.windows
            windowMinutes = windows[((windows.firstIndex(of: windowMinutes) ?? 0) + 1) % windows.count]
        case .character("s"): sort = sort.next
        case .character("/"): editingFilter = filter.text
        case .escape: filter = LiveFilter("")
        default: break
        }
        return true
    }
}

/// A key press, as the dashboard understands it.
public enum LiveKey: Sendable, Equatable {
    case character(Character)
    case tab, backTab, enter, escape, backspace, resize
}
