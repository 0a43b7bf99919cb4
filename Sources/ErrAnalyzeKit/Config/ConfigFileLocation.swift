import Foundation

/// Where the config file is when `--config` does not say.
public enum ConfigFileLocation {
    /// The system-wide file the Debian package installs.
    public static let system = "/etc/erranalyze/config.toml"

    /// `$XDG_CONFIG_HOME/erranalyze/config.toml` (`~/.config/…` when unset), else the system
    /// file: the first that exists, or nil when neither does (no config is not an error).
    public static func defaultPath(environment: [String: String],
                                   exists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) -> String? {
        candidates(environment: environment).first(where: exists)
    }

    /// The places looked at, in order.
    public static func candidates(environment: [String: String]) -> [String] {
        var result: [String] = []
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            result.append(xdg + "/erranalyze/config.toml")
        } else if let home = environment["HOME"], !home.isEmpty {
            result.append(home + "/.config/erranalyze/config.toml")
        }
        result.append(system)
        return result
    }
}
