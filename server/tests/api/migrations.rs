use crate::helpers::TestDatabase;
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Statement};

async fn organizations_table_exists(db: &sea_orm::DatabaseConnection) -> bool {
    let backend = db.get_database_backend();
    db.query_one_raw(Statement::from_string(
        backend,
        "SELECT COUNT(*) FROM organizations",
    ))
    .await
    .is_ok()
}

#[tokio::test]
async fn migrations_apply_roll_back_and_apply_again() {
    let database = TestDatabase::fresh().await;
    let db = server::db::connect(&database.url).await.expect("connect");
    server::db::migrate(&db).await.expect("first migration");
    assert!(organizations_table_exists(&db).await);
    // Running them again changes nothing.
    server::db::migrate(&db).await.expect("second migration");
    assert!(
        Migrator::get_pending_migrations(&db)
            .await
            .expect("pending")
            .is_empty()
    );

    Migrator::down(&db, None).await.expect("roll back");
    assert!(!organizations_table_exists(&db).await);
    Migrator::up(&db, None).await.expect("apply again");
    assert!(organizations_table_exists(&db).await);
}

#[tokio::test]
async fn slugs_and_subdomains_are_unique_in_the_schema_itself() {
    let database = TestDatabase::fresh().await;
    let db = server::db::connect(&database.url).await.expect("connect");
    server::db::migrate(&db).await.expect("migrate");
    let insert = |slug: &str, subdomain: &str| {
        Statement::from_string(
            db.get_database_backend(),
            format!(
                "INSERT INTO organizations (slug, name, subdomain, created_at, updated_at) \
                 VALUES ('{slug}', 'X', '{subdomain}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
        )
    };
    db.execute_raw(insert("acme", "acme"))
        .await
        .expect("first row");
    assert!(db.execute_raw(insert("acme", "other")).await.is_err());
    assert!(db.execute_raw(insert("other", "acme")).await.is_err());
}
