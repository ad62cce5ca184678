@preconcurrency import Crypto
import Foundation
import SanbaoDomain

/// What a grid form was filled in against, for records edited many at a time that have no
/// revision column (the task decomposition table, the ledger's settings): a digest of the
/// values the page showed. Saving checks it against the values now stored, so of two office
/// users editing at once the second hears 409 instead of silently undoing the first. A post
/// without a basis (a script that means to set the values) is not checked.
enum EditBasis {
    static let field = "basis"

    static func of(_ values: [String]) -> String {
        String(Hex.lower(SHA256.hash(data: Data(values.joined(separator: "\u{1F}").utf8))).prefix(24))
    }

    static func check(_ sent: String?, current: String) throws {
        guard let sent, !sent.isEmpty else { return }
        guard sent == current else { throw AppError(.conflict, "error.changed_meanwhile") }
    }
}
