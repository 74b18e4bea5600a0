//! `portals.content_version`: a number that changes whenever anything a
//! portal page is built from changes — the portal's candidate-facing stages,
//! its content blocks, or its job's Greenhouse stages. Database triggers
//! bump it in the same statement as the change, whoever writes (the editor,
//! a template reset, a sync, another Trellis process), so the server can
//! keep a portal's content in memory and know, from the portal row it reads
//! anyway, whether that copy is still current.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Portals {
    Table,
    ContentVersion,
}

/// The tables whose rows carry `portal_id`.
const PORTAL_TABLES: [&str; 2] = ["portal_stages", "content_blocks"];
/// Greenhouse's stages of a job: every portal of that job.
const JOB_STAGES: &str = "gh_job_interview_stages";

const BUMP_PORTAL: &str = "UPDATE portals SET content_version = content_version + 1";

fn sqlite_triggers() -> Vec<String> {
    let mut sql = Vec::new();
    for table in PORTAL_TABLES {
        for (event, rows) in [
            ("INSERT", vec!["NEW"]),
            ("UPDATE", vec!["OLD", "NEW"]),
            ("DELETE", vec!["OLD"]),
        ] {
            let ids: Vec<String> = rows.iter().map(|row| format!("{row}.portal_id")).collect();
            sql.push(format!(
                "CREATE TRIGGER {table}_content_version_{event} AFTER {event} ON {table} \
                 BEGIN {BUMP_PORTAL} WHERE id IN ({}); END",
                ids.join(", "),
                event = event.to_lowercase()
            ));
        }
    }
    for (event, rows) in [
        ("INSERT", vec!["NEW"]),
        ("UPDATE", vec!["OLD", "NEW"]),
        ("DELETE", vec!["OLD"]),
    ] {
        let matches: Vec<String> = rows
            .iter()
            .map(|row| {
                format!("(organization_id = {row}.organization_id AND job_id = {row}.job_id)")
            })
            .collect();
        sql.push(format!(
            "CREATE TRIGGER {JOB_STAGES}_content_version_{event} AFTER {event} ON {JOB_STAGES} \
             BEGIN {BUMP_PORTAL} WHERE {}; END",
            matches.join(" OR "),
            event = event.to_lowercase()
        ));
    }
    sql
}

fn postgres_triggers() -> Vec<String> {
    let mut sql = vec![
        format!(
            "CREATE FUNCTION trellis_bump_portal_content() RETURNS trigger AS $$ BEGIN \
             IF TG_OP <> 'INSERT' THEN {BUMP_PORTAL} WHERE id = OLD.portal_id; END IF; \
             IF TG_OP <> 'DELETE' THEN {BUMP_PORTAL} WHERE id = NEW.portal_id; END IF; \
             RETURN NULL; END $$ LANGUAGE plpgsql"
        ),
        format!(
            "CREATE FUNCTION trellis_bump_job_portal_content() RETURNS trigger AS $$ BEGIN \
             IF TG_OP <> 'INSERT' THEN {BUMP_PORTAL} \
               WHERE organization_id = OLD.organization_id AND job_id = OLD.job_id; END IF; \
             IF TG_OP <> 'DELETE' THEN {BUMP_PORTAL} \
               WHERE organization_id = NEW.organization_id AND job_id = NEW.job_id; END IF; \
             RETURN NULL; END $$ LANGUAGE plpgsql"
        ),
    ];
    for table in PORTAL_TABLES {
        sql.push(format!(
            "CREATE TRIGGER {table}_content_version AFTER INSERT OR UPDATE OR DELETE ON {table} \
             FOR EACH ROW EXECUTE FUNCTION trellis_bump_portal_content()"
        ));
    }
    sql.push(format!(
        "CREATE TRIGGER {JOB_STAGES}_content_version AFTER INSERT OR UPDATE OR DELETE ON {JOB_STAGES} \
         FOR EACH ROW EXECUTE FUNCTION trellis_bump_job_portal_content()"
    ));
    sql
}

fn drop_triggers(backend: DbBackend) -> Vec<String> {
    match backend {
        DbBackend::Postgres => {
            let mut sql: Vec<String> = PORTAL_TABLES
                .iter()
                .chain([&JOB_STAGES])
                .map(|table| format!("DROP TRIGGER IF EXISTS {table}_content_version ON {table}"))
                .collect();
            sql.push("DROP FUNCTION IF EXISTS trellis_bump_portal_content()".to_owned());
            sql.push("DROP FUNCTION IF EXISTS trellis_bump_job_portal_content()".to_owned());
            sql
        }
        _ => PORTAL_TABLES
            .iter()
            .chain([&JOB_STAGES])
            .flat_map(|table| {
                ["insert", "update", "delete"]
                    .map(|event| format!("DROP TRIGGER IF EXISTS {table}_content_version_{event}"))
            })
            .collect(),
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Portals::Table)
                    .add_column(
                        ColumnDef::new(Portals::ContentVersion)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        let triggers = match manager.get_database_backend() {
            DbBackend::Postgres => postgres_triggers(),
            _ => sqlite_triggers(),
        };
        let db = manager.get_connection();
        for sql in triggers {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for sql in drop_triggers(manager.get_database_backend()) {
            db.execute_unprepared(&sql).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Portals::Table)
                    .drop_column(Portals::ContentVersion)
                    .to_owned(),
            )
            .await
    }
}
