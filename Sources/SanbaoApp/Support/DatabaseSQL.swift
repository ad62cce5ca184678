import Fluent
import SQLKit

extension Database {
    /// The same connection for hand-written SQL. Both databases Sanbao opens (SQLite and
    /// PostgreSQL) speak SQL; this is the one place that says so.
    var sql: any SQLDatabase { self as! any SQLDatabase }
}
