@preconcurrency import Crypto
import Foundation
import SanbaoDomain

/// Photo files, for visits and for problems' evidence alike: checked (JPEG or PNG, size), the
/// camera's metadata taken out, and kept in a file named by the SHA-256 of what is served
/// (`ab/cdef…`), so the same photo sent twice is one file and a retried upload changes nothing.
/// The camera's position and time stay in the database rows that point at the file.
enum PhotoStore {
    struct Stored: Sendable {
        var sha256, contentType: String
        var bytes: Int
        var latitude, longitude: Double?
        var takenAt: String?
    }

    /// Checks and keeps `data`; a bad photo is named on `field`.
    static func store(_ data: [UInt8], in directory: String, field: String = "photo") throws -> Stored {
        let photo: PhotoEvidence
        do { photo = try PhotoEvidence(data) } catch {
            let reason = switch error {
            case .notAnImage: "visit.reason.not_an_image"
            case .tooLarge: "visit.reason.too_large"
            case .damaged: "visit.reason.damaged_image"
            }
            throw AppError.invalid([AppError.field(field, reason)])
        }
        let sha = SHA256Digest.hex(photo.bytes)
        let path = self.path(sha, in: directory)
        if !FileManager.default.fileExists(atPath: path) {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            // Written under a temporary name and renamed, so a half-written file is never served.
            let temporary = path + ".part-" + UUID().uuidString
            guard FileManager.default.createFile(atPath: temporary, contents: Data(photo.bytes)) else { throw AppError(.internalServerError, "error.internal") }
            do { try FileManager.default.moveItem(atPath: temporary, toPath: path) } catch {
                // Another upload of the same photo got there first: the same bytes, so keep that one.
                try? FileManager.default.removeItem(atPath: temporary)
                guard FileManager.default.fileExists(atPath: path) else { throw error }
            }
        }
        return Stored(sha256: sha, contentType: photo.kind.rawValue, bytes: photo.bytes.count, latitude: photo.latitude,
                      longitude: photo.longitude, takenAt: photo.takenAt)
    }

    static func path(_ sha: String, in directory: String) -> String {
        directory + "/" + sha.prefix(2) + "/" + sha.dropFirst(2)
    }
}
