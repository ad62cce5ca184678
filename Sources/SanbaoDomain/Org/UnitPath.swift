import Foundation

/// Where a unit sits in the org tree: the ids from the root down to the unit, written
/// "/root/…/unit/" (a materialised path). A subtree is every path that starts with the unit's,
/// so scoping is one prefix match. The one place that reads or builds these strings.
public struct UnitPath: Hashable, Sendable, CustomStringConvertible {
    public let text: String

    public init(_ text: String) { self.text = text }

    /// The path of a new unit with `id` under `parent` (nil: a root).
    public init(parent: UnitPath?, id: UUID) { text = (parent?.text ?? "/") + id.uuidString + "/" }

    public var description: String { text }

    private var segments: [Substring] { text.split(separator: "/") }

    /// The ids from the root down, the unit's own last.
    public var ids: [UUID] { segments.compactMap { UUID(hex: $0) } }

    /// 0 at the root.
    public var depth: Int { max(0, segments.count - 1) }

    public var isRoot: Bool { segments.count == 1 }

    /// The path of the unit `levels` down from the root (1: the root itself); the whole path
    /// when it is not that deep.
    public func prefix(_ levels: Int) -> UnitPath {
        UnitPath("/" + segments.prefix(levels).joined(separator: "/") + "/")
    }

    /// The paths of the units above, nearest first.
    public var ancestors: [UnitPath] {
        let n = segments.count
        guard n > 1 else { return [] }
        return (1..<n).reversed().map { prefix($0) }
    }

    /// Whether `other` is this unit or one below it.
    public func contains(_ other: UnitPath) -> Bool { other.text.hasPrefix(text) }
}

extension UUID {
    /// A UUID from its 36-character text, either case, without `UUID(uuidString:)`'s sscanf:
    /// a unit's path is read back into its ancestors' ids for every visit the tallies take in.
    public init?(hex text: Substring) {
        let parsed: uuid_t?? = text.utf8.withContiguousStorageIfAvailable { chars -> uuid_t? in
            guard chars.count == 36 else { return nil }
            var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            let ok = withUnsafeMutableBytes(of: &bytes) { out -> Bool in
                var i = 0
                for n in 0..<16 {
                    if n == 4 || n == 6 || n == 8 || n == 10 {
                        guard chars[i] == 0x2D else { return false }
                        i += 1
                    }
                    guard let high = Self.nibble(chars[i]), let low = Self.nibble(chars[i + 1]) else { return false }
                    out[n] = high << 4 | low
                    i += 2
                }
                return true
            }
            return ok ? bytes : nil
        }
        switch parsed {
        case .some(.some(let bytes)): self.init(uuid: bytes)
        case .some(.none): return nil
        case .none: self.init(uuidString: String(text))      // not stored contiguously: the slow way
        }
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x41...0x46: c - 0x41 + 10
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }
}
