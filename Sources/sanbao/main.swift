import Foundation
import Logging
import SanbaoApp
import Vapor

// The executable only reads the environment and hands over to the app. Logs go to standard
// error so that `sanbao export … > file.csv` writes only the data to standard output.
if SolverCommand.isInvoked(CommandLine.arguments) {
    // Pure computation on a file: no database, no configuration.
    exit(SolverCommand.run(CommandLine.arguments))
}
var env = try Environment.detect()
let level = Logger.Level(rawValue: ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "") ?? .info
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = level
    return handler
}
let app = try await Application.make(env)
app.directory = DirectoryConfiguration(workingDirectory: resourceRoot())
var status: Int32 = 0
do {
    let config = try AppConfig.fromEnvironment()
    try await configure(app, config: config)
    try await app.execute()
} catch let exit as ExitCode {
    status = exit.code
} catch {
    FileHandle.standardError.write(Data(("sanbao: " + commandLineMessage(for: error, in: app) + "\n").utf8))
    status = 1
}
try await app.asyncShutdown()
exit(status)

/// Where `Resources/` and `Public/` are: `SANBAO_HOME` if set, else the working directory if
/// it has them, else the nearest folder above the executable that does (so
/// `.build/release/sanbao` works from any directory).
func resourceRoot() -> String {
    let fm = FileManager.default
    func hasResources(_ dir: String) -> Bool { fm.fileExists(atPath: dir + "/Resources/Views/layout.leaf") }
    if let home = ProcessInfo.processInfo.environment["SANBAO_HOME"], !home.isEmpty { return home }
    let cwd = fm.currentDirectoryPath
    if hasResources(cwd) { return cwd }
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    while dir.path != "/" {
        if hasResources(dir.path) { return dir.path }
        dir = dir.deletingLastPathComponent()
    }
    return cwd
}
