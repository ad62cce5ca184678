import Fluent
import Foundation
import SanbaoDomain

/// A published questionnaire version. Never updated: a change is a new version, so answers
/// given to an old one keep the questions they answered.
final class QuestionnaireVersion: Model, @unchecked Sendable {
    static let schema = "questionnaires"

    @ID(key: .id) var id: UUID?
    @Field(key: "key") var key: String
    @Field(key: "version") var version: Int
    @Field(key: "subject") var subject: String
    @Field(key: "title") var title: String
    @Field(key: "definition") var definition: String
    @Field(key: "published_at") var publishedAt: Date
    @Field(key: "published_by") var publishedBy: String

    init() {}

    init(_ q: Questionnaire, by username: String) throws {
        key = q.key
        version = q.version
        subject = q.subject.rawValue
        title = q.title.zh
        definition = String(decoding: try QuestionnaireJSON.encode(q), as: UTF8.self)
        publishedAt = Date()
        publishedBy = username
    }

    func questionnaire() throws -> Questionnaire { try QuestionnaireJSON.decode(Data(definition.utf8)) }
}

/// The JSON form of a questionnaire: what is stored, exported and imported. Keys sorted so that
/// an export diffs cleanly against the next.
enum QuestionnaireJSON {
    static func encode(_ q: Questionnaire) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(q)
    }

    static func decode(_ data: Data) throws -> Questionnaire { try JSONDecoder().decode(Questionnaire.self, from: data) }
}
