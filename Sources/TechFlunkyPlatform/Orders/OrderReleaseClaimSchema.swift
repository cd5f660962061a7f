import GRDB

/// Who is releasing a payout hold, and until when (`OrderStore.claimDueHolds`): every instance runs the release
/// scheduler, and a claim makes one of them transfer each hold. Registered after every earlier concern's migrations.
enum OrderReleaseClaimSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5_order_release_claims") { db in
            try db.execute(sql: """
                ALTER TABLE orders ADD COLUMN release_claimed_by TEXT;
                ALTER TABLE orders ADD COLUMN release_claimed_until INTEGER;
                """)
        }
    }
}
