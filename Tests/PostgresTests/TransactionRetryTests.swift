import Dispatch
import ErrAnalyzePostgres
import Foundation
import Testing

/// A serialization failure or deadlock runs the transaction again; other errors roll back.
@Suite(TestServer.required) struct TransactionRetryTests {
    @Test func serializationFailureIsRetriedAndCountsOnce() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        let connection = try db.connect()
        let other = try db.connect()
        try connection.execute("CREATE TABLE counter (id integer PRIMARY KEY, n bigint NOT NULL); INSERT INTO counter VALUES (1, 0)")
        var attempts = 0
        try connection.transaction(.repeatableRead) { connection in
            attempts += 1
            let n = try #require(try connection.query("SELECT n FROM counter WHERE id = 1").first).int64(0)
            // Another host commits between this one's read and write, once.
            if attempts == 1 { try other.execute("UPDATE counter SET n = n + 100 WHERE id = 1") }
            try connection.query("UPDATE counter SET n = $1 WHERE id = 1", [.int64(n + 1)])
        }
        #expect(attempts == 2)
        #expect(connection.retriedTransactions == 1)
        #expect(try connection.query("SELECT n FROM counter").first?.int64(0) == 101)
    }

    @Test func deadlockIsRetried() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        let a = try db.connect()
        let b = try db.connect()
        try a.execute("CREATE TABLE t (id integer PRIMARY KEY, n bigint NOT NULL); INSERT INTO t VALUES (1, 0), (2, 0)")
        // b holds row 2; a takes row 1 and then wants row 2; b, told a holds row 1, wants it:
        // a deadlock, whatever the timing. One of them is the victim.
        let failures = Failures()
        let aHoldsRowOne = DispatchSemaphore(value: 0)
        try b.execute("BEGIN; UPDATE t SET n = n + 1 WHERE id = 2")
        let other = Thread {
            aHoldsRowOne.wait()
            do {
                try b.execute("UPDATE t SET n = n + 1 WHERE id = 1")
                try b.execute("COMMIT")
            } catch {
                _ = try? b.execute("ROLLBACK")
                failures.add(error)
            }
        }
        other.start()
        var attempts = 0
        try a.transaction { a in
            attempts += 1
            try a.execute("UPDATE t SET n = n + 10 WHERE id = 1")
            if attempts == 1 { aHoldsRowOne.signal() }
            try a.execute("UPDATE t SET n = n + 10 WHERE id = 2")
        }
        waitAll([other])
        let rows = try a.query("SELECT n FROM t ORDER BY id").rows.map { $0.int64(0) }
        if failures.all.isEmpty {
            // b committed; a was the deadlock victim and ran again.
            #expect(attempts == 2)
            #expect(rows == [11, 11])
        } else {
            // b was the victim: its error says so, a ran once.
            #expect((failures.all[0] as? PostgresError)?.kind == .serialization, "\(failures.descriptions)")
            #expect(attempts == 1)
            #expect(rows == [10, 10])
        }
    }

    @Test func otherErrorsRollBackAndAreNotRetried() throws {
        let db = try ScratchDatabase()
        defer { db.drop() }
        let connection = try db.connect()
        try connection.execute("CREATE TABLE t (id integer PRIMARY KEY)")
        var attempts = 0
        let error = failure {
            try connection.transaction { connection in
                attempts += 1
                try connection.execute("INSERT INTO t VALUES (1)")
                try connection.execute("INSERT INTO t VALUES (1)")
            }
        }
        #expect(error?.sqlState == "23505")
        #expect(attempts == 1)
        #expect(!connection.inTransaction)
        #expect(try connection.query("SELECT count(*) FROM t").first?.int(0) == 0)
    }
}
