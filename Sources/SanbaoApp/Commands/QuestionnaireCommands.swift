import Foundation
import SanbaoDomain
import Vapor

/// `sanbao questionnaire list`: each questionnaire's latest version.
struct QuestionnaireListCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "List the questionnaires and their latest versions." }

    func run(using context: CommandContext, signature: Signature) async throws {
        for v in try await QuestionnaireService(app: context.application, db: context.application.db, principal: Commands.principal).current() {
            let q = try v.questionnaire()
            context.console.print("\(v.key)\tv\(v.version)\t\(q.questions.count) questions\t\(v.title)")
        }
    }
}

/// `sanbao questionnaire export KEY [--version N] [-o FILE]`: the JSON the office edits.
struct QuestionnaireExportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "key", help: "enterprise, worker, or another questionnaire's key.") var key: String
        @Option(name: "version", help: "A version number (default: the latest).") var version: Int?
        @Option(name: "output", short: "o", help: "Write to this file instead of standard output.") var output: String?
    }

    var help: String { "Export a questionnaire version as JSON." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let json: Data
        do {
            json = try QuestionnaireJSON.encode(try await QuestionnaireService(app: app, db: app.db, principal: Commands.principal)
                .version(key: signature.key, version: signature.version).questionnaire())
        } catch {
            context.console.error(commandLineMessage(for: error, in: app))
            throw ExitCode(1)
        }
        guard let path = signature.output else { return FileHandle.standardOutput.write(json + Data("\n".utf8)) }
        guard FileManager.default.createFile(atPath: path, contents: json) else {
            context.console.error("Cannot write \(path).")
            throw ExitCode(2)
        }
    }
}

/// `sanbao questionnaire import FILE`: publishes the file as the next version of its key,
/// unless it asks exactly what the latest version asks. Earlier versions and their answers
/// stay as they were.
struct QuestionnaireImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "A questionnaire as `questionnaire export` writes it.") var file: String
    }

    var help: String { "Publish a questionnaire from JSON as its next version." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let data = FileManager.default.contents(atPath: signature.file) else {
            context.console.error("Cannot read \(signature.file).")
            throw ExitCode(2)
        }
        let q: Questionnaire
        do { q = try QuestionnaireJSON.decode(data) } catch {
            context.console.error("\(signature.file) is not a questionnaire: \(QuestionnaireJSON.describe(error))")
            throw ExitCode(1)
        }
        do {
            switch try await QuestionnaireService(app: app, db: app.db, principal: Commands.principal).publish(q) {
            case .unchanged(let v): context.console.print("\(q.key): unchanged, still version \(v)")
            case .published(let v): context.console.print("\(q.key): published version \(v)")
            }
        } catch {
            context.console.error(commandLineMessage(for: error, in: app))
            throw ExitCode(1)
        }
    }
}

extension QuestionnaireJSON {
    /// Where a JSON file fails to be a questionnaire, as a person would look for it.
    static func describe(_ error: any Error) -> String {
        guard let e = error as? DecodingError else { return "\(error)" }
        func path(_ c: DecodingError.Context) -> String {
            c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
        }
        switch e {
        case .keyNotFound(let key, let c): return "\(path(c)).\(key.stringValue) is missing"
        case .typeMismatch(_, let c), .valueNotFound(_, let c): return "\(path(c)): \(c.debugDescription)"
        case .dataCorrupted(let c): return "\(path(c)): \(c.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
