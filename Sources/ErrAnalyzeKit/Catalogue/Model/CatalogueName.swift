/// Rules for catalogue names, shared by the decoder and the importer.
public enum CatalogueName {
    /// The word `--catalogue` reserves for "every built-in".
    public static let everyBuiltin = "all"

    /// Lower-case letters, digits, `-`, `_`, `.`; starting with a letter or digit. No `/`,
    /// so a name can never be mistaken for a path.
    public static func isValid(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name != everyBuiltin, name.count <= 64 else { return false }
        func ok(_ s: Unicode.Scalar) -> Bool { ("a"..."z").contains(s) || ("0"..."9").contains(s) }
        return ok(first) && name.unicodeScalars.allSatisfy { ok($0) || $0 == "-" || $0 == "_" || $0 == "." }
    }

    /// A valid name derived from free text (a file name), e.g. `My API.md` → `my-api`.
    public static func derive(from text: String) -> String {
        var out = ""
        for scalar in text.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else if !out.isEmpty && !out.hasSuffix("-") {
                out += "-"
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        if out.isEmpty || out == everyBuiltin { out = "imported" }
        return String(out.prefix(64))
    }
}
