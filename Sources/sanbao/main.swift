import Foundation
import Logging
import SanbaoApp
import Vapor

// The executable only reads the environment and hands over to the app. Logs go to standard
// error so that `sanbao export … > file.csv` writes only the data to standard output.
var env = try Environment.detect()
let level = Logger.Level(rawValue: ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "") ?? .info
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = level
    return handler
}
let app = try await Application.make(env)
var status: Int32 = 0
do {
    let config = try AppConfig.fromEnvironment()
    try await configure(app, config: config)
    try await app.execute()
} catch let exit as ExitCode {
    status = exit.code
} catch {
    app.logger.critical("\(String(reflecting: error))")
    status = 1
}
try await app.asyncShutdown()
exit(status)
