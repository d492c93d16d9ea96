//! Migrations from model diffs: the SQL of every change kind (snapshots), what is refused,
//! numbering, and a run against a real PostgreSQL holding rows (needs DATABASE_URL and
//! `psql`; skipped without them unless TEST_REQUIRE_SERVICES=1).

use backend_pro::evolve::diff::diff;
use backend_pro::evolve::migrate::{migrations_for, MigrateError};
use backend_pro::evolve::{Ownership, Rendered};
use backend_pro::model::{EnumValue, Field, FieldType, Model};
use backend_pro::render::Options;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shop() -> Model {
    let text = std::fs::read_to_string(root().join("tests/fixtures/models/shop.yaml"))
        .expect("read shop.yaml");
    Model::from_yaml(&text).expect("shop.yaml")
}

fn opts() -> Options {
    Options {
        module: "example.com/shop".into(),
        lang: backend_pro::model::Lang::En,
    }
}

fn field(name: &str, ty: FieldType) -> Field {
    Field {
        line: 1,
        ..Field::new(name, ty)
    }
}

fn values(vs: &[&str]) -> Vec<EnumValue> {
    vs.iter()
        .map(|v| EnumValue {
            value: v.to_string(),
            label: String::new(),
        })
        .collect()
}

fn entity_mut<'a>(m: &'a mut Model, name: &str) -> &'a mut backend_pro::model::Entity {
    m.entities
        .iter_mut()
        .find(|e| e.name == name)
        .expect("entity")
}

fn field_mut<'a>(m: &'a mut Model, entity: &str, name: &str) -> &'a mut Field {
    entity_mut(m, entity)
        .fields
        .iter_mut()
        .find(|f| f.name == name)
        .expect("field")
}

fn remove_field(m: &mut Model, entity: &str, name: &str) {
    entity_mut(m, entity).fields.retain(|f| f.name != name);
}

fn migrate(
    old: &Model,
    new: &Model,
    renames: &[(&str, &str)],
    first: u32,
) -> Result<Vec<Rendered>, MigrateError> {
    let renames: BTreeMap<String, String> = renames
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let (d, _) = diff(old, new, &renames);
    migrations_for(old, new, &d, first, &opts(), &BTreeMap::new())
}

/// The one migration a change makes, for snapshots.
fn one(old: &Model, new: &Model, renames: &[(&str, &str)]) -> String {
    let files = migrate(old, new, renames, 5).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(files.len(), 1, "{files:#?}");
    format!("{}\n{}", files[0].path, files[0].contents)
}

fn snap(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots/migrate");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

// ---- SQL of each change kind ----

#[test]
fn add_fields() {
    let old = shop();
    let mut new = old.clone();
    let c = entity_mut(&mut new, "Customer");
    let mut nick = field("nickname", FieldType::String);
    nick.required = true;
    nick.max_length = Some(40);
    let mut tier = field("tier", FieldType::Enum);
    tier.required = true;
    tier.enum_values = values(&["bronze", "silver", "gold"]);
    let mut points = field("points", FieldType::Int);
    points.required = true;
    points.default = Some("10".into());
    let mut since = field("member_since", FieldType::Datetime);
    since.required = true;
    let mut code = field("code", FieldType::String);
    code.unique = true;
    let mut referrer = field("favorite_product_id", FieldType::Ref);
    referrer.references = Some("Product".into());
    let mut prefs = field("prefs", FieldType::Json);
    prefs.required = true;
    let mut aliases = field("aliases", FieldType::String);
    aliases.list = true;
    c.fields
        .extend([nick, tier, points, since, code, referrer, prefs, aliases]);
    snap("add_fields", &one(&old, &new, &[]));
}

#[test]
fn remove_fields() {
    let old = shop();
    let mut new = old.clone();
    for f in ["email", "full_name", "phone", "type", "birth_date", "tags"] {
        remove_field(&mut new, "Customer", f);
    }
    remove_field(&mut new, "Order", "customer_id");
    entity_mut(&mut new, "Order").relations.clear();
    let files = migrate(&old, &new, &[], 5).unwrap_or_else(|e| panic!("{e}"));
    let text: Vec<String> = files
        .iter()
        .map(|f| format!("{}\n{}", f.path, f.contents))
        .collect();
    snap("remove_fields", &text.join("\n"));
}

#[test]
fn rename_fields() {
    let old = shop();
    let mut new = old.clone();
    field_mut(&mut new, "Order", "note").name = "remark".into();
    field_mut(&mut new, "Order", "status").name = "state".into();
    entity_mut(&mut new, "Order")
        .state_machine
        .as_mut()
        .expect("sm")
        .field = "state".into();
    field_mut(&mut new, "Order", "customer_id").name = "buyer_id".into();
    entity_mut(&mut new, "Order").relations[0].foreign_key = Some("buyer_id".into());
    snap(
        "rename_fields",
        &one(
            &old,
            &new,
            &[
                ("Order.note", "remark"),
                ("Order.status", "state"),
                ("Order.customer_id", "buyer_id"),
            ],
        ),
    );
}

#[test]
fn change_types() {
    let old = shop();
    let mut new = old.clone();
    field_mut(&mut new, "Product", "stock").ty = FieldType::Decimal;
    field_mut(&mut new, "Product", "weight_kg").ty = FieldType::Decimal;
    field_mut(&mut new, "Product", "weight_kg").scale = Some(3);
    field_mut(&mut new, "Product", "price").scale = Some(4);
    field_mut(&mut new, "Product", "attributes").ty = FieldType::Text;
    field_mut(&mut new, "Product", "homepage").ty = FieldType::Json;
    field_mut(&mut new, "Product", "released_at").ty = FieldType::Date;
    field_mut(&mut new, "Product", "title").ty = FieldType::Text;
    let sku = field_mut(&mut new, "Product", "sku");
    sku.list = true;
    sku.unique = false;
    snap("change_types", &one(&old, &new, &[]));
}

#[test]
fn change_constraints() {
    let old = shop();
    let mut new = old.clone();
    // max_length, required both ways, unique both ways, default set/changed/dropped.
    field_mut(&mut new, "Customer", "full_name").max_length = Some(150);
    field_mut(&mut new, "Customer", "full_name").required = false;
    field_mut(&mut new, "Customer", "email").unique = false;
    field_mut(&mut new, "Customer", "phone").unique = true;
    field_mut(&mut new, "Customer", "birth_date").required = true;
    field_mut(&mut new, "Customer", "vip").default = Some("true".into());
    field_mut(&mut new, "Customer", "type").default = None;
    snap("change_constraints", &one(&old, &new, &[]));
}

#[test]
fn change_enum_values_and_refs() {
    let old = shop();
    let mut new = old.clone();
    let status = field_mut(&mut new, "Order", "status");
    status.enum_values = values(&["pending", "paid", "shipped", "cancelled", "refunded"]);
    entity_mut(&mut new, "Order")
        .state_machine
        .as_mut()
        .expect("sm")
        .transitions
        .retain(|t| t.to != "delivered");
    // A ref that becomes optional; an enum that becomes plain text.
    field_mut(&mut new, "OrderItem", "order_id").required = false;
    field_mut(&mut new, "Customer", "type").ty = FieldType::String;
    field_mut(&mut new, "Customer", "type").enum_values.clear();
    let files = migrate(&old, &new, &[], 5).unwrap_or_else(|e| panic!("{e}"));
    let text: Vec<String> = files
        .iter()
        .map(|f| format!("{}\n{}", f.path, f.contents))
        .collect();
    snap("change_enum_values_and_refs", &text.join("\n"));
}

fn review() -> backend_pro::model::Entity {
    let mut product = field("product_id", FieldType::Ref);
    product.required = true;
    product.references = Some("Product".into());
    let mut author = field("author_id", FieldType::Ref);
    author.references = Some("Customer".into());
    let mut stars = field("stars", FieldType::Int);
    stars.required = true;
    backend_pro::model::Entity {
        name: "Review".into(),
        label: "Review".into(),
        description: String::new(),
        table: "reviews".into(),
        resource: "reviews".into(),
        fields: vec![product, author, stars, field("body", FieldType::Text)],
        relations: vec![],
        indexes: vec![],
        state_machine: None,
        line: 1,
    }
}

#[test]
fn entities_added_and_removed_in_dependency_order() {
    let old = shop();
    let mut new = old.clone();
    // Added: Review (refers to Product and Customer) and Tag, listed before it.
    let mut tag = review();
    tag.name = "Tag".into();
    tag.label = "Tag".into();
    tag.table = "tags".into();
    tag.resource = "tags".into();
    tag.fields = vec![field("label", FieldType::String)];
    let mut r = review();
    let mut tag_ref = field("tag_id", FieldType::Ref);
    tag_ref.references = Some("Tag".into());
    r.fields.push(tag_ref);
    new.entities.insert(0, r);
    new.entities.push(tag);
    // Removed: Order and OrderItem (which refers to Order).
    new.entities
        .retain(|e| e.name != "Order" && e.name != "OrderItem");
    new.use_cases.clear();
    let files = migrate(&old, &new, &[], 7).unwrap_or_else(|e| panic!("{e}"));
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "migrations/00007_create_tags.sql",
            "migrations/00008_create_reviews.sql",
            "migrations/00009_drop_order_items.sql",
            "migrations/00010_drop_orders.sql",
        ]
    );
    assert!(files.iter().all(|f| f.ownership == Ownership::AppendOnly));
    // A created table is exactly what a fresh project would have.
    let fresh = backend_pro::generate::generate(&new, &opts(), &BTreeMap::new()).expect("gen");
    let create = |table: &str| {
        fresh
            .iter()
            .find(|f| f.path.ends_with(&format!("_create_{table}.sql")))
            .map(|f| f.contents.clone())
            .expect("fresh create")
    };
    assert_eq!(files[1].contents, create("reviews"));
    // A drop's Down is the create migration's Up.
    let old_fresh = backend_pro::generate::generate(&old, &opts(), &BTreeMap::new()).expect("gen");
    let old_create = old_fresh
        .iter()
        .find(|f| f.path.ends_with("_create_orders.sql"))
        .expect("orders");
    let (up, _) = sections(&old_create.contents);
    let (_, down) = sections(&files[3].contents);
    assert_eq!(up.trim(), down.trim());
    snap("drop_orders", &files[3].contents);
}

#[test]
fn numbering_is_stable_and_nothing_for_no_change() {
    let old = shop();
    assert!(migrate(&old, &old, &[], 5).expect("no change").is_empty());
    let mut new = old.clone();
    entity_mut(&mut new, "Customer").label = "Client".into();
    new.entities.push(review());
    let a = migrate(&old, &new, &[], 12).expect("a");
    let b = migrate(&old, &new, &[], 12).expect("b");
    assert_eq!(a, b);
    // A label change makes no SQL: only the create.
    let paths: Vec<&str> = a.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["migrations/00012_create_reviews.sql"]);
}

#[test]
fn refusals_say_what_to_do() {
    let old = shop();
    let mut new = old.clone();
    let mut code = field("code", FieldType::String);
    code.required = true;
    code.unique = true;
    let mut owner = field("owner_id", FieldType::Ref);
    owner.required = true;
    owner.references = Some("Customer".into());
    entity_mut(&mut new, "Product").fields.extend([code, owner]);
    entity_mut(&mut new, "Order").table = "purchases".into();
    let err = migrate(&old, &new, &[], 5).expect_err("refused");
    let MigrateError::Refused(msgs) = &err else {
        panic!("{err}")
    };
    assert_eq!(msgs.len(), 3, "{msgs:#?}");
    let text = err.to_string();
    assert!(text.contains("Product.code: a unique field"), "{text}");
    assert!(
        text.contains("add it optional without a default, fill it"),
        "{text}"
    );
    assert!(
        text.contains("Product.owner_id: a required reference"),
        "{text}"
    );
    assert!(text.contains("Order: the table name changed"), "{text}");
    // Optional versions of the same fields are fine.
    let mut ok = old.clone();
    let mut code = field("code", FieldType::String);
    code.unique = true;
    let mut owner = field("owner_id", FieldType::Ref);
    owner.references = Some("Customer".into());
    entity_mut(&mut ok, "Product").fields.extend([code, owner]);
    assert_eq!(migrate(&old, &ok, &[], 5).expect("optional").len(), 1);
}

#[test]
fn overrides_replace_the_templates() {
    let old = shop();
    let mut new = old.clone();
    new.entities.push(review());
    let (d, _) = diff(&old, &new, &BTreeMap::new());
    let overrides = BTreeMap::from([(
        "migrations/entity.sql.tera".to_string(),
        "-- mine {{ e.table }} {{ e.migration }}\n".to_string(),
    )]);
    let files = migrations_for(&old, &new, &d, 3, &opts(), &overrides).expect("override");
    assert_eq!(files[0].contents, "-- mine reviews 3\n");
}

// ---- A real PostgreSQL ----

/// (Up, Down) SQL of a goose migration.
fn sections(text: &str) -> (String, String) {
    let up = text.split("-- +goose Up").nth(1).unwrap_or_default();
    let (up, down) = up.split_once("-- +goose Down").unwrap_or((up, ""));
    (up.to_string(), down.to_string())
}

struct Pg {
    url: String,
    schema: String,
}

impl Pg {
    fn connect(name: &str) -> Option<Pg> {
        let url = match std::env::var("DATABASE_URL") {
            Ok(u) if !u.is_empty() => u,
            _ => {
                if std::env::var("TEST_REQUIRE_SERVICES").as_deref() == Ok("1") {
                    panic!("DATABASE_URL is not set and TEST_REQUIRE_SERVICES=1");
                }
                eprintln!("skipping {name}: DATABASE_URL is not set (source scripts/services.sh && services_start)");
                return None;
            }
        };
        let has_psql = Command::new("psql")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !has_psql {
            if std::env::var("TEST_REQUIRE_SERVICES").as_deref() == Ok("1") {
                panic!("psql is missing and TEST_REQUIRE_SERVICES=1");
            }
            eprintln!("skipping {name}: psql is missing (apt-get install postgresql-client)");
            return None;
        }
        let schema = format!("bp_migrate_{name}_{}", std::process::id());
        let pg = Pg { url, schema };
        pg.raw(&format!(
            "DROP SCHEMA IF EXISTS {s} CASCADE; CREATE SCHEMA {s};",
            s = pg.schema
        ))
        .expect("create schema");
        Some(pg)
    }

    fn raw(&self, sql: &str) -> Result<String, String> {
        let mut child = Command::new("psql")
            .args([
                self.url.as_str(),
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "--single-transaction",
                "-f",
                "-",
            ])
            .env("PGOPTIONS", format!("-c search_path={}", self.schema))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| e.to_string())?;
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().ok_or("stdin")?;
            stdin.write_all(sql.as_bytes()).map_err(|e| e.to_string())?;
        }
        let out = child.wait_with_output().map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).to_string())
        }
    }

    fn sql(&self, sql: &str) -> String {
        self.raw(sql)
            .unwrap_or_else(|e| panic!("{e}\n--- SQL:\n{sql}"))
    }

    fn up(&self, f: &Rendered) {
        let (up, _) = sections(&f.contents);
        self.raw(&up)
            .unwrap_or_else(|e| panic!("up {}: {e}\n{}", f.path, f.contents));
    }

    fn down(&self, f: &Rendered) {
        let (_, down) = sections(&f.contents);
        self.raw(&down)
            .unwrap_or_else(|e| panic!("down {}: {e}\n{}", f.path, f.contents));
    }

    /// Column definitions and constraint names of the schema, to compare schemas.
    fn schema_dump(&self) -> String {
        self.sql(
            "SELECT string_agg(x, E'\\n' ORDER BY x) FROM (
               SELECT 'col ' || table_name || '.' || column_name || ' ' || data_type || ' ' ||
                      coalesce(character_maximum_length::text, '') || ' ' || is_nullable || ' ' ||
                      coalesce(column_default, '') AS x
                 FROM information_schema.columns WHERE table_schema = current_schema()
               UNION ALL
               SELECT 'con ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
                 FROM pg_constraint WHERE connamespace = current_schema()::regnamespace
               UNION ALL
               SELECT 'idx ' || tablename || ' ' || indexname || ' ' || replace(indexdef, current_schema() || '.', '')
                 FROM pg_indexes WHERE schemaname = current_schema()) s",
        )
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        let _ = self.raw(&format!("DROP SCHEMA IF EXISTS {} CASCADE;", self.schema));
    }
}

fn create_migrations(m: &Model) -> Vec<Rendered> {
    backend_pro::generate::generate(m, &opts(), &BTreeMap::new())
        .expect("generate")
        .into_iter()
        .filter(|f| f.path.starts_with("migrations/") && f.path.ends_with(".sql"))
        .collect()
}

const SEED: &str = "
INSERT INTO customers (id, version, email, full_name, phone, type, created_at, updated_at) VALUES
  ('00000000-0000-0000-0000-0000000000c1', 1, 'a@example.com', 'Ann', '+15550001', 'individual', now(), now()),
  ('00000000-0000-0000-0000-0000000000c2', 1, 'b@example.com', 'Bob', NULL, 'business', now(), now());
INSERT INTO products (id, version, sku, title, price, weight_kg, attributes, stock, created_at, updated_at) VALUES
  ('00000000-0000-0000-0000-0000000000a1', 1, 'SKU-1', 'Lamp', 1999, 1.5, '{\"color\":\"red\"}', 7, now(), now()),
  ('00000000-0000-0000-0000-0000000000a2', 1, 'SKU-2', 'Desk', 25000, NULL, NULL, 3, now(), now());
INSERT INTO orders (id, version, customer_id, status, total, note, placed_at, created_at, updated_at) VALUES
  ('00000000-0000-0000-0000-0000000000b1', 1, '00000000-0000-0000-0000-0000000000c1', 'paid', 1999, 'leave at door', '2024-05-01 12:30:00+00', now(), now()),
  ('00000000-0000-0000-0000-0000000000b2', 1, '00000000-0000-0000-0000-0000000000c2', 'pending', 25000, NULL, '2024-06-01 08:00:00+00', now(), now());
INSERT INTO order_items (id, version, order_id, product_id, quantity, unit_price, \"order\", created_at, updated_at) VALUES
  ('00000000-0000-0000-0000-0000000000d1', 1, '00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000a2', 2, 1999, 1, now(), now()),
  ('00000000-0000-0000-0000-0000000000d2', 1, '00000000-0000-0000-0000-0000000000b2', '00000000-0000-0000-0000-0000000000a2', 1, 25000, 1, now(), now());
";

/// The evolution the PostgreSQL test applies to the shop model.
fn evolved(old: &Model) -> Model {
    let mut new = old.clone();
    // Customer: a required field without default, a required enum, a removed optional and a
    // removed required field.
    let mut nick = field("nickname", FieldType::String);
    nick.required = true;
    nick.max_length = Some(40);
    let mut tier = field("tier", FieldType::Enum);
    tier.required = true;
    tier.enum_values = values(&["bronze", "silver"]);
    entity_mut(&mut new, "Customer").fields.extend([nick, tier]);
    remove_field(&mut new, "Customer", "phone");
    remove_field(&mut new, "Customer", "full_name");
    remove_field(&mut new, "Customer", "email");
    // Product: type changes, a JSON field made required, unique moved from sku to title.
    field_mut(&mut new, "Product", "stock").ty = FieldType::Decimal;
    field_mut(&mut new, "Product", "weight_kg").ty = FieldType::Int;
    field_mut(&mut new, "Product", "title").max_length = Some(120);
    field_mut(&mut new, "Product", "title").unique = true;
    field_mut(&mut new, "Product", "sku").unique = false;
    field_mut(&mut new, "Product", "attributes").required = true;
    // Order: a rename (with data), new enum values, a required field made optional, a type
    // change with a default, a new optional ref to an existing entity.
    field_mut(&mut new, "Order", "note").name = "remark".into();
    field_mut(&mut new, "Order", "status").enum_values =
        values(&["pending", "paid", "shipped", "cancelled", "refunded"]);
    entity_mut(&mut new, "Order")
        .state_machine
        .as_mut()
        .expect("sm")
        .transitions
        .retain(|t| t.to != "delivered");
    field_mut(&mut new, "Order", "total").required = false;
    field_mut(&mut new, "Order", "placed_at").ty = FieldType::Date;
    let mut gift = field("gift_product_id", FieldType::Ref);
    gift.references = Some("Product".into());
    entity_mut(&mut new, "Order").fields.push(gift);
    // A new entity referring to existing ones.
    new.entities.push(review());
    new
}

#[test]
fn postgres_applies_up_and_down_with_rows() {
    let Some(pg) = Pg::connect("alter") else {
        return;
    };
    let old = shop();
    let creates = create_migrations(&old);
    assert_eq!(creates.len(), 4);
    for f in &creates {
        pg.up(f);
    }
    pg.sql(SEED);
    let before = pg.schema_dump();
    let items = "SELECT string_agg(id || ' ' || order_id || ' ' || quantity, ',' ORDER BY id) FROM order_items";
    let items_before = pg.sql(items);

    let new = evolved(&old);
    let files =
        migrate(&old, &new, &[("Order.note", "remark")], 5).unwrap_or_else(|e| panic!("{e}"));
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "migrations/00005_create_reviews.sql",
            "migrations/00006_alter_customers.sql",
            "migrations/00007_alter_products.sql",
            "migrations/00008_alter_orders.sql",
        ]
    );
    for f in &files {
        pg.up(f);
    }
    // The rows moved with the schema.
    assert_eq!(
        pg.sql("SELECT string_agg(id || ':' || nickname || ':' || tier, ',' ORDER BY id) FROM customers"),
        "00000000-0000-0000-0000-0000000000c1::bronze,00000000-0000-0000-0000-0000000000c2::bronze"
    );
    assert_eq!(
        pg.sql("SELECT string_agg(sku || ':' || stock || ':' || coalesce(weight_kg::text, '-') || ':' || attributes::text, ',' ORDER BY sku) FROM products"),
        "SKU-1:700:2:{\"color\": \"red\"},SKU-2:300:-:{}"
    );
    assert_eq!(
        pg.sql("SELECT string_agg(coalesce(remark, '-') || ':' || placed_at, ',' ORDER BY id) FROM orders"),
        "leave at door:2024-05-01,-:2024-06-01"
    );
    // The new schema accepts what the new model allows.
    pg.sql("UPDATE orders SET status = 'refunded', total = NULL, gift_product_id = '00000000-0000-0000-0000-0000000000a2' WHERE id = '00000000-0000-0000-0000-0000000000b2';");
    pg.sql("INSERT INTO reviews (id, version, product_id, author_id, stars, created_at, updated_at) VALUES ('00000000-0000-0000-0000-0000000000e1', 1, '00000000-0000-0000-0000-0000000000a2', '00000000-0000-0000-0000-0000000000c1', 5, now(), now());");
    assert!(pg
        .raw("UPDATE orders SET status = 'delivered';")
        .is_err_and(|e| e.contains("orders_status_check")));
    // And it is the schema a fresh project of the new model has (names included), but for
    // column order.
    let fresh = Pg::connect("fresh").expect("second schema");
    for f in create_migrations(&new) {
        fresh.up(&f);
    }
    assert_eq!(pg.schema_dump(), fresh.schema_dump());
    drop(fresh);

    // Undo the evolution: rows written under the new schema must fit the old one again.
    pg.sql(
        "UPDATE orders SET status = 'pending' WHERE id = '00000000-0000-0000-0000-0000000000b2';",
    );
    for f in files.iter().rev() {
        pg.down(f);
    }
    assert_eq!(pg.schema_dump(), before);
    assert_eq!(pg.sql(items), items_before, "untouched order_items rows");
    // A restored unique column gets distinct placeholders; a restored required one the
    // temporary value.
    assert_eq!(
        pg.sql("SELECT string_agg((email = id::text) || ':' || full_name || ':' || coalesce(phone, '-'), ',' ORDER BY id) FROM customers"),
        "true::-,true::-"
    );
    assert_eq!(
        pg.sql("SELECT string_agg(sku || ':' || stock || ':' || coalesce(note, '-'), ',' ORDER BY sku) FROM products JOIN orders ON true WHERE orders.id = '00000000-0000-0000-0000-0000000000b1'"),
        "SKU-1:7:leave at door,SKU-2:3:leave at door"
    );
    for f in creates.iter().rev() {
        pg.down(f);
    }
    assert_eq!(pg.schema_dump(), "");
}

#[test]
fn postgres_drops_and_restores_entities() {
    let Some(pg) = Pg::connect("drop") else {
        return;
    };
    let old = shop();
    let creates = create_migrations(&old);
    for f in &creates {
        pg.up(f);
    }
    pg.sql(SEED);
    let before = pg.schema_dump();
    let mut new = old.clone();
    new.entities
        .retain(|e| e.name != "Order" && e.name != "OrderItem");
    new.use_cases.clear();
    let files = migrate(&old, &new, &[], 5).unwrap_or_else(|e| panic!("{e}"));
    for f in &files {
        pg.up(f);
    }
    assert_eq!(pg.sql("SELECT count(*) FROM customers"), "2");
    for f in files.iter().rev() {
        pg.down(f);
    }
    assert_eq!(pg.schema_dump(), before);
    assert_eq!(pg.sql("SELECT count(*) FROM products"), "2");
    assert_eq!(pg.sql("SELECT count(*) FROM orders"), "0");
}

/// Writes the PostgreSQL test's migrations (the fixture's creates and the evolution) into
/// `$BP_MIGRATE_OUT`, to run them with goose by hand:
/// `BP_MIGRATE_OUT=DIR cargo test --test migrate -- --ignored write_evolution`.
#[test]
#[ignore]
fn write_evolution() {
    let Ok(dir) = std::env::var("BP_MIGRATE_OUT") else {
        return;
    };
    let old = shop();
    let new = evolved(&old);
    let files = migrate(&old, &new, &[("Order.note", "remark")], 5).expect("migrate");
    for f in create_migrations(&old).iter().chain(&files) {
        let p = PathBuf::from(&dir).join(&f.path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, &f.contents).expect("write");
    }
}
