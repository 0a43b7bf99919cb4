import Glibc

/// Notices a regular file that was truncated or rewritten while it was being read
/// (`copytruncate`, `> access.log`, a file saved over in place), before a step is committed.
///
/// Reads of a regular file are positional: after a truncation they end early, after a
/// rewrite they return other bytes, and nothing fails. A commit would then record a read
/// position and an anchor that no longer describe the lines counted, and the rotated copy
/// would resume after a gap. So before each commit the engine asks this check whether the
/// file still holds what was parsed: its first bytes, a size reaching the position, and the
/// bytes each reader parsed last. If not, the step is discarded (`FileChangedWhileReading`):
/// nothing is committed past bytes known to be in the file.
///
/// What it cannot see: a file rewritten with the same first KiB, between the places it
/// compares, by bytes of the same length; logs are appended to, not edited.
struct FileChangeCheck {
    enum Content {
        /// Plain content: stream positions are file offsets, so parsed bytes can be compared.
        case plain
        /// Compressed content: only the compressed file's first bytes and size can be compared.
        case compressed(sizeWhenOpened: Int64)
    }

    let content: Content
    /// The file's first bytes on disk when reading began.
    let head: [UInt8]

    /// A check of a plain file whose first bytes were `head` when reading began.
    init(plainFileHead head: [UInt8]) {
        content = .plain
        self.head = head
    }

    /// A check of `file` read as a stream, or nil when it cannot change under its reader (a
    /// pipe, standard input).
    init?(stream file: InputFile) throws {
        guard let size = file.regularFileSize else { return nil }
        content = file.isCompressed ? .compressed(sizeWhenOpened: size) : .plain
        head = try file.readPlain(at: 0, count: ContentFingerprint.fullLength)
    }

    /// Throws unless a reader received every byte up to `end` (`received`: its
    /// `receivedOffset`): a positional read that ended early met a truncation.
    func requireWholeRead(upTo end: Int64, received: Int64, in file: InputFile) throws {
        guard received < end else { return }
        let size = try Self.currentSize(of: file)
        throw FileChangedWhileReading(sizeNow: size, shrank: size < end, at: received)
    }

    /// The anchor to record for a commit at `position` (the bytes just before it), once the
    /// file is checked to still hold what was parsed: at least `position` bytes, the same
    /// first bytes, and, before each of `parsed`'s positions, the bytes a reader parsed last.
    /// The last of `parsed` ends at `position` (it may be empty when the reader kept no
    /// history there, e.g. after an overlong line; the file's bytes then stand in).
    func verifiedAnchor(_ file: InputFile, at position: Int64, parsed: [ParsedEnding]) throws -> [UInt8] {
        let size = try Self.currentSize(of: file)
        switch content {
        case .compressed(let sizeWhenOpened):
            // A finished compressed file only grows while it is still being written.
            guard size >= sizeWhenOpened else {
                throw FileChangedWhileReading(sizeNow: size, shrank: true, at: 0)
            }
            try requireHead(in: file)
            return parsed.last(where: { $0.position == position })?.bytes ?? []
        case .plain:
            guard size >= position else { throw FileChangedWhileReading(sizeNow: size, shrank: true, at: position) }
            try requireHead(in: file)
            for ending in parsed where !ending.bytes.isEmpty {
                let there = try file.readPlain(at: ending.position - Int64(ending.bytes.count), count: ending.bytes.count)
                guard there == ending.bytes else { throw try changed(file, at: ending.position) }
            }
            let length = Int(min(Int64(ContentFingerprint.fullLength), position))
            let anchor = try file.readPlain(at: position - Int64(length), count: length)
            guard anchor.count == length else { throw try changed(file, at: position) }
            return anchor
        }
    }

    private func requireHead(in file: InputFile) throws {
        let now = try file.readPlain(at: 0, count: head.count)
        guard now == head else { throw try changed(file, at: 0) }
    }

    private func changed(_ file: InputFile, at position: Int64) throws -> FileChangedWhileReading {
        let size = try Self.currentSize(of: file)
        return FileChangedWhileReading(sizeNow: size, shrank: size < position, at: position)
    }

    /// The size of the open file now (`fstat`: the descriptor, not the name, which may
    /// already be another file).
    static func currentSize(of file: InputFile) throws -> Int64 {
        var info = stat()
        guard fstat(file.fd, &info) == 0 else { throw InputError.readFailed(file.displayName, errno: errno) }
        return Int64(info.st_size)
    }
}

/// The last bytes a reader parsed before `position` (up to `ContentFingerprint.fullLength`).
struct ParsedEnding {
    var position: Int64
    var bytes: [UInt8]
}

/// A regular file was truncated or rewritten while it was being read: the step being read
/// was discarded, not committed. Not a failure: the lines after the last commit are in the
/// rotated copy (`copytruncate`), which resumes exactly there, or were removed on purpose.
struct FileChangedWhileReading: Error {
    /// The file's size when the change was noticed.
    var sizeNow: Int64
    /// Whether it is now shorter than the bytes read (else its bytes differ).
    var shrank: Bool
    /// Where the change was noticed (a content offset; 0 for the first bytes).
    var at: Int64

    /// The warning shown for `path`, counted up to `countedThrough` (the ledger's position).
    func warning(path: String, countedThrough: Int64) -> String {
        let what = shrank ? "truncated to \(sizeNow) bytes" : "rewritten: other bytes than those read at byte \(at)"
        let counted = countedThrough > 0 ? "counted up to byte \(countedThrough); the rest is" : "nothing of it counted; its lines are"
        return "\(path): changed while being read (\(what)): \(counted) counted from its rotated copy when that is ingested, or by the next run"
    }
}
