import Foundation

/// Turns `--catalogue NAME|PATH` arguments into catalogues in precedence order.
///
/// Precedence (the first catalogue that defines a code, or has a rule for a status, wins):
/// 1. the user's files, in the order given;
/// 2. the selected built-ins, in the order given; `all`, or no selection at all, means every
///    built-in in `BuiltinCatalogues.order` (http, opsmerge, crm-connect, marketing, extraction);
/// 3. the `http` built-in, appended when not selected, so that every status has a rule.
///
/// A file whose `name` equals a selected built-in's replaces that built-in, so a user can
/// copy `opsmerge.json`, edit it and load it without the original shadowing nothing.
public enum CatalogueLoader {
    /// Loads the catalogues an invocation selected.
    ///
    /// - Parameters:
    ///   - selection: each a built-in name, `all`, or a path. An argument containing `/` or
    ///     ending in `.json` is always a path; use `./http` for a file called `http`.
    ///   - includeFloor: append the `http` built-in when it is not selected.
    public static func load(selection: [String], includeFloor: Bool = true) throws(CatalogueError) -> [Catalogue] {
        let builtinNames = BuiltinCatalogues.names
        var files: [Catalogue] = []
        var builtins: [String] = []
        func addBuiltin(_ name: String) {
            if !builtins.contains(name) { builtins.append(name) }
        }
        for item in selection.isEmpty ? [CatalogueName.everyBuiltin] : selection {
            if item == CatalogueName.everyBuiltin && !isPathLike(item) {
                builtinNames.forEach(addBuiltin)
            } else if builtinNames.contains(item) && !isPathLike(item) {
                addBuiltin(item)
            } else if isPathLike(item) || FileManager.default.fileExists(atPath: item) {
                let catalogue = try loadFile(path: item)
                if let clash = files.first(where: { $0.name == catalogue.name }) {
                    if clash.origin == catalogue.origin { continue } // the same file twice
                    throw .duplicateName(catalogue.name, files: [clash.origin.description, item])
                }
                files.append(catalogue)
            } else {
                throw .unknownSelection(item, builtins: builtinNames)
            }
        }
        if includeFloor { addBuiltin(BuiltinCatalogues.floor) }
        let replaced = Set(files.map(\.name))
        var result = files
        for name in builtins where !replaced.contains(name) {
            guard let catalogue = try BuiltinCatalogues.named(name) else {
                throw .unknownSelection(name, builtins: builtinNames)
            }
            result.append(catalogue)
        }
        return result
    }

    /// Loads one catalogue file, throwing when it has errors (warnings are ignored; run
    /// `erranalyze catalogue validate` to see them).
    public static func loadFile(path: String) throws(CatalogueError) -> Catalogue {
        let bytes: [UInt8]
        switch contents(of: path) {
        case .success(let b): bytes = b
        case .failure(let failure): throw .unreadable(file: path, reason: failure.reason)
        }
        let result = CatalogueDecoder.read(bytes: bytes, file: path, origin: .file(path))
        guard let catalogue = result.catalogue else { throw .invalid(file: path, problems: result.problems) }
        return catalogue
    }

    /// Reads and validates a file without throwing: an unreadable file is one problem.
    public static func read(path: String, origin: Catalogue.Origin? = nil) -> CatalogueReadResult {
        switch contents(of: path) {
        case .success(let bytes):
            return CatalogueDecoder.read(bytes: bytes, file: path, origin: origin ?? .file(path))
        case .failure(let failure):
            return CatalogueReadResult(catalogue: nil, problems: [CatalogueProblem(
                severity: .error, file: path, position: nil, path: "", message: "cannot read: \(failure.reason)")])
        }
    }

    private struct ReadFailure: Error {
        var reason: String
    }

    private static func contents(of path: String) -> Result<[UInt8], ReadFailure> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure(ReadFailure(reason: "no such file"))
        }
        if isDirectory.boolValue { return .failure(ReadFailure(reason: "it is a directory")) }
        do {
            return .success(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        } catch {
            return .failure(ReadFailure(reason: readableReason(error)))
        }
    }

    static func isPathLike(_ item: String) -> Bool {
        item.contains("/") || item.hasSuffix(".json")
    }

    private static func readableReason(_ error: Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSCocoaErrorDomain && nsError.code == CocoaError.fileReadNoPermission.rawValue {
            return "permission denied"
        }
        return nsError.localizedDescription
    }
}
