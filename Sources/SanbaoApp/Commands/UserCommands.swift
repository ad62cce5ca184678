import Fluent
import Foundation
import SanbaoDomain
import Vapor

/// `sanbao user create --username U --name N --unit CODE --roles office,unit_admin [--password P]`
struct UserCreateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "username", help: "Sign-in name (letters, digits, - _ .).") var username: String?
        @Option(name: "name", help: "Display name.") var name: String?
        @Option(name: "unit", help: "Code of the user's unit.") var unit: String?
        @Option(name: "roles", help: "Comma-separated: office, unit_admin, cadre, inspector, assistance, viewer.") var roles: String?
        @Option(name: "password", help: "Password (asked for when left out).") var password: String?
    }

    var help: String { "Create a user." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let password = signature.password ?? context.console.ask("Password".consoleText(), isSecure: true)
        try await reportingErrors(context) {
            let user = try await UserService(app: app, db: app.db, principal: Commands.principal).create(UserInput(
                username: signature.username, displayName: signature.name, unitCode: signature.unit,
                roles: (signature.roles ?? "").split(separator: ",").map(String.init), password: password, phone: nil))
            context.console.print("Created \(user.username).")
        }
    }
}

/// `sanbao user reset-password USERNAME [--password P]`
struct UserResetPasswordCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "username") var username: String
        @Option(name: "password", help: "New password (asked for when left out).") var password: String?
    }

    var help: String { "Set a user's password, unlock them and end their sessions." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let password = signature.password ?? context.console.ask("New password".consoleText(), isSecure: true)
        try await reportingErrors(context) {
            try await UserService(app: app, db: app.db, principal: Commands.principal)
                .resetPassword(username: signature.username, to: password)
            context.console.print("Password of \(signature.username) reset.")
        }
    }
}

/// `sanbao token create USERNAME --name NAME`: prints a new API token once.
struct TokenCreateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "username") var username: String
        @Option(name: "name", help: "What the token is for.") var name: String?
    }

    var help: String { "Create an API token for a user and print it." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let user = try await User.query(on: app.db).filter(\.$username == signature.username)
            .filter(\.$retiredAt == nil).first() else {
            context.console.error("No active user \(signature.username).")
            throw ExitCode(1)
        }
        try await reportingErrors(context) {
            let (clear, _) = try await AuthService(app: app, db: app.db)
                .createToken(userID: user.id!, name: signature.name ?? "cli", by: Commands.principal)
            context.console.print(clear)
        }
    }
}

/// Runs a command's work; a refusal is printed in the configured language, field by field, and
/// the command exits with 1.
func reportingErrors(_ context: CommandContext, _ work: () async throws -> Void) async throws {
    do {
        try await work()
    } catch let e as AppError {
        printErrors(e, context)
        throw ExitCode(1)
    }
}

func printErrors(_ e: AppError, _ context: CommandContext) {
    let app = context.application
    let locale = app.config.defaultLocale
    context.console.error(app.localizer.text(e.key, locale, e.params))
    for f in e.fields {
        context.console.error("  \(f.field): " + app.localizer.text(f.key, locale, f.params))
    }
}
