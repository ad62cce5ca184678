import Foundation
import Logging
import SanbaoApp
import Vapor

// The executable only reads the environment and hands over to the app.
var env = try Environment.detect()
try LoggingSystem.bootstrap(from: &env)
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
