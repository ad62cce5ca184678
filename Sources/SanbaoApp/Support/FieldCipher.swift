@preconcurrency import Crypto
import Foundation
import Vapor

/// Encrypts personal data (phones, ID numbers, incomes) before it reaches the database.
/// AES-GCM with a key derived from the app secret; "v1:" names the scheme so a later key
/// rotation can tell old values from new.
struct FieldCipher: Sendable {
    let key, digestKey: SymmetricKey

    /// Same input, same output, but useless without the key: for equality checks and lookups.
    func digest(_ clear: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Data(clear.utf8), using: digestKey)).base64EncodedString()
    }

    func seal(_ clear: String) throws -> String {
        let box = try AES.GCM.seal(Data(clear.utf8), using: key)
        guard let combined = box.combined else { throw Abort(.internalServerError) }
        return "v1:" + combined.base64EncodedString()
    }

    func open(_ stored: String) throws -> String {
        guard stored.hasPrefix("v1:"), let data = Data(base64Encoded: String(stored.dropFirst(3))) else {
            throw Abort(.internalServerError, reason: "unreadable encrypted field")
        }
        let box = try AES.GCM.SealedBox(combined: data)
        return String(decoding: try AES.GCM.open(box, using: key), as: UTF8.self)
    }
}

extension Application {
    var fieldCipher: FieldCipher { FieldCipher(key: config.key(for: "fields"), digestKey: config.key(for: "digest")) }
}
