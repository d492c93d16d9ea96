//! The one catalogue of the CLI's own messages (everything but PRD diagnostics, which carry
//! their two languages in [`crate::diag`]): one line per message, English and Chinese side by
//! side, placeholders `{name}` filled by [`crate::msg!`]. A unit test checks that both forms
//! of every message have the same placeholders.
//!
//! Adding a message: one line below, then `msg!(lang, Id, name = value)` where it is shown.

use crate::model::Lang;

macro_rules! catalogue {
    ($($id:ident: $en:literal, $zh:literal;)*) => {
        /// A message id. The text is [`Msg::text`]; with placeholders, use [`crate::msg!`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Msg { $($id,)* }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$id,)*];

            /// The message in `lang`, placeholders unfilled.
            pub fn text(self, lang: Lang) -> &'static str {
                match lang {
                    Lang::En => match self { $(Msg::$id => $en,)* },
                    Lang::Zh => match self { $(Msg::$id => $zh,)* },
                }
            }
        }
    };
}

catalogue! {
    // Files.
    CannotRead: "cannot read {path}", "无法读取 {path}";
    CannotWrite: "cannot write {path}", "无法写入 {path}";
    CannotCreate: "cannot create {path}", "无法创建 {path}";
    IoError: "{path}: {error}", "{path}：{error}";
    NotAGlossary: "{path}: expected a YAML map of term: Identifier", "{path}：应为 YAML 映射（术语: 标识符）";
    NotAProject: "{path} is not a backend-pro project (no backend-pro.yaml); run inside one or pass --project DIR",
        "{path} 不是 backend-pro 项目（没有 backend-pro.yaml）；请在项目目录中运行，或使用 --project DIR";
    Corrupt: "{path}: {error}", "{path}：文件已损坏：{error}";
    NoRecord: "{path} has no record of what was generated ({base} is missing); regenerate it with `backend-pro new --force`",
        "{path} 没有生成记录（缺少 {base}）；请用 `backend-pro new --force` 重新生成";
    OutsideProject: "refusing to write outside the project: {path}", "拒绝写入项目之外的路径：{path}";
    OutsideOut: "refusing to write outside the output directory: {path}", "拒绝写入输出目录之外的路径：{path}";
    OutNotADirectory: "{path} exists and is not a directory", "{path} 已存在且不是目录";
    OutNotEmpty: "{path} is not empty; choose another --out or pass --force to overwrite generated files",
        "{path} 不是空目录；请换一个 --out，或使用 --force 覆盖生成的文件";
    // Locking and undo.
    LockWait: "waiting for another backend-pro command working on {path} (it holds {lock})…",
        "正在等待另一个处理 {path} 的 backend-pro 命令（它持有 {lock}）…";
    LockBusy: "another backend-pro command is changing {path} (it holds {lock}); wait for it to finish and run this one again",
        "另一个 backend-pro 命令正在修改 {path}（它持有 {lock}）；请等它结束后再运行本命令";
    NothingToUndo: "nothing to undo: the journal is empty", "无可撤销：变更日志为空";
    UndoEditedSince: "undo would lose edits made after `{command}`: {files} changed since; nothing was undone\n  help: commit or copy those edits first (or revert them), then run undo again",
        "撤销会丢失 `{command}` 之后的修改：{files} 已被改动；未撤销任何内容\n  帮助：请先提交或复制这些修改（或还原它们），再运行 undo";
    UndoRemovedMigrations: "warning: undo removed these migrations. A database that already applied them needs their Down first (`go run ./cmd/migration down` before undo); if you undid too early, restore the files from version control, run down, then undo again:",
        "警告：撤销删除了以下迁移。已执行过它们的数据库需要先回滚（在撤销前运行 `go run ./cmd/migration down`）；如果已经撤销，请从版本控制恢复这些文件，回滚后再撤销：";
    Reverted: "reverted `{command}` ({n} files restored)", "已撤销 `{command}`（{n} 个文件已恢复）";
    // Plan actions and reasons.
    ActCreate: "create", "新建";
    ActRecreate: "recreate", "重建";
    ActUpdate: "update", "更新";
    ActMerge: "merge", "合并";
    ActUnchanged: "unchanged", "未变";
    ActRecord: "record", "记录";
    ActDelete: "delete", "删除";
    ActKeep: "keep", "保留";
    ActConflict: "CONFLICT", "冲突";
    ActMissing: "MISSING", "缺失";
    MergeConflicts: "{n} conflict(s) marked with <<<<<<< in the file", "{n} 处冲突，已在文件中用 <<<<<<< 标出";
    ReasonScaffoldDeleted: "deleted by you; not recreated", "已被你删除；不会重建";
    ReasonGeneratedEdited: "generated file was edited by hand (DO NOT EDIT); move your change to a non-generated file",
        "生成文件被手工修改（DO NOT EDIT）；请把修改移到非生成文件中";
    ReasonMarkersMissing: "owned region markers `backend-pro:{name}` are missing; restore them", "受管区域标记 `backend-pro:{name}` 缺失；请恢复";
    ReasonRegionUnclosed: "owned region `backend-pro:{name}` is not closed properly", "受管区域 `backend-pro:{name}` 没有正确闭合";
    ReasonRemovedButEdited: "no longer generated, but edited by hand; delete it or move your change",
        "已不再生成，但被手工修改过；请删除它或移走你的修改";
    ReasonRemovedKept: "no longer generated, but it holds your changes; kept", "已不再生成，但包含你的修改；已保留";
    ReasonInTheWay: "a file you wrote is where a new file would go; rename it", "你编写的文件占用了新文件的位置；请重命名";
    ReasonGeneratedDeleted: "deleted by hand; it will be recreated", "被手工删除；将被重建";
    ReasonMigrationDeleted: "migration deleted by hand; it will be recreated from .backend-pro/base (migrations are history: a database may already have applied it)",
        "迁移被手工删除；将从 .backend-pro/base 重建（迁移是历史记录：数据库可能已执行过它）";
    ReasonMigrationLost: "migration deleted by hand and cannot be regenerated (no copy under .backend-pro/base); restore it from version control — databases that already applied it keep it, new ones would miss it",
        "迁移被手工删除且无法重新生成（.backend-pro/base 下没有副本）；请从版本控制恢复——已执行过它的数据库不受影响，新数据库会缺少它";
    // Day-two commands.
    NothingWritten: "nothing was written", "未写入任何文件";
    ModelChanges: "model changes:", "模型变更：";
    ModelChangesYaml: "model changes (backend-pro.yaml):", "模型变更（backend-pro.yaml）：";
    NothingToDo: "nothing to do: the project is up to date", "无需变更：项目已是最新";
    Files: "files:", "文件：";
    ConflictsNothingWritten: "error: conflicts above; nothing was written. Resolve them, or pass --force to overwrite (a backup of each file is kept)",
        "错误：存在以上冲突，未写入任何文件。请先解决冲突，或使用 --force 覆盖（会保留每个文件的备份）";
    ConflictsSummary: "{n} conflict(s)", "{n} 处冲突";
    DryRun: "dry run: nothing was written", "试运行：未写入任何文件";
    Backups: "backups of overwritten files: .backend-pro/backup/{seq}/", "被覆盖文件的备份：.backend-pro/backup/{seq}/";
    MergedWithMarkers: "some of your files got conflict markers (<<<<<<<): resolve them before building",
        "部分文件带有冲突标记（<<<<<<<）：请先解决再构建";
    Done: "done (to revert: backend-pro undo)", "完成（撤销：backend-pro undo）";
    NextMigrate: "next: make migrate", "下一步：make migrate";
    UpToDate: "up to date: nothing to do", "已是最新：无需变更";
    ApplyWithSync: "apply with: backend-pro sync", "应用变更：backend-pro sync";
    DriftMissing: "missing (would be created)", "缺失（将被创建）";
    DriftOutOfDate: "out of date (would be regenerated)", "已过期（将被重新生成）";
    DriftRemoved: "no longer generated (would be deleted)", "已不再生成（将被删除）";
    DriftTemplate: "template changed (would be merged)", "模板已变更（将被合并）";
    DriftModelEdited: "edited but not applied (run backend-pro sync)", "已编辑但未应用（运行 backend-pro sync）";
    CheckFailed: "check failed: {n} file(s) drifted from the model", "检查失败：{n} 个文件与模型不一致";
    CheckFileOk: "up to date", "最新";
    CheckPassed: "check passed: generated files match the model", "检查通过：生成文件与模型一致";
    RenamesNeverGuessed: "these look like renames, which are never guessed:", "以下变更看起来像重命名，而重命名从不猜测：";
    RenamesHelp: "help: pass --rename Entity.old:new for each rename (data is kept), or --no-rename to drop and add (data in the old column is lost)",
        "帮助：每个重命名请传 --rename Entity.old:new（数据保留），或传 --no-rename 表示删除再新增（旧列中的数据会丢失）";
    BadRename: "--rename {spec}: expected Entity.old_field:new_field", "--rename {spec}：格式应为 Entity.old_field:new_field";
    NoSuchEntityInPrd: "{path} has no entity {name}; it has: {known}", "{path} 中没有实体 {name}；现有实体：{known}";
    // add / remove: model edits.
    EditFieldName: "field spec {spec}: the name must be an ASCII identifier (e.g. `email:string:required`)",
        "字段定义 {spec}：字段名须为 ASCII 标识符（如 `email:string:required`）";
    EditFieldNoType: "field spec {spec}: missing type (e.g. `{name}:string`)", "字段定义 {spec}：缺少类型（如 `{name}:string`）";
    EditFieldType: "field spec {spec}: unknown type {ty}; use one of: {accepted}", "字段定义 {spec}：未知类型 {ty}；可用类型：{accepted}";
    EditFieldMax: "field spec {spec}: max={value} is not a whole number", "字段定义 {spec}：max={value} 不是整数";
    EditFieldOption: "field spec {spec}: unknown option {option}; use required, unique, default=V, ref=Entity, max=N or label=L",
        "字段定义 {spec}：未知选项 {option}；可用 required、unique、default=V、ref=Entity、max=N 或 label=L";
    EditRefNoTarget: "field spec {spec}: a ref field needs its target: `{name}:ref:ref=Entity`", "字段定义 {spec}：引用字段需要指明目标实体：`{name}:ref:ref=Entity`";
    EditRefUnknown: "field spec {spec}: no entity named {target}; known entities: {known}", "字段定义 {spec}：没有名为 {target} 的实体；已有实体：{known}";
    EditEntityName: "entity name {name} must be an ASCII identifier (e.g. Review)", "实体名 {name} 须为 ASCII 标识符（如 Review）";
    EditEntityExists: "entity {name} already exists; use `add field {name} …` to extend it", "实体 {name} 已存在；请用 `add field {name} …` 扩展它";
    AddEntityFromPrd: "{name}: taking its definition from {path}", "{name}：采用 {path} 中的定义";
    AddEntityFromRecordedPrd: "{name}: taking its definition from {path}, the PRD this project was generated from (pass --field to define it yourself)",
        "{name}：采用 {path}（生成本项目所用的 PRD）中的定义（如需自行定义，请使用 --field）";
    RecordedPrdLacks: "{path} does not define {name} (the PRD this project was generated from)", "{path}（生成本项目所用的 PRD）中没有定义 {name}";
    RecordedPrdMissing: "{path}, the PRD this project was generated from, is gone; pass --from-prd PATH to take an entity from a PRD",
        "生成本项目所用的 PRD {path} 已不存在；可用 --from-prd PATH 从 PRD 读取实体";
    AddEntityNoFieldsHint: "{name} is added with no fields of its own (id, version, timestamps); add some with `backend-pro add field {name} title:string:required …`",
        "{name} 暂无自有字段（只有 id、version 与时间戳）；可用 `backend-pro add field {name} title:string:required …` 添加";
    AddEntityAskFields: "fields of {name}, one per line as name:type[:required|:unique|:default=V|:ref=Entity|:max=N]; an empty line ends",
        "请逐行输入 {name} 的字段，格式 name:type[:required|:unique|:default=V|:ref=Entity|:max=N]；空行结束";
    AddEntityFieldPrompt: "field", "字段";
    AddEntityPromptFailed: "cannot read fields from the terminal", "无法从终端读取字段";
    EditNoEntity: "no entity named {name}; known entities: {known}", "没有名为 {name} 的实体；已有实体：{known}";
    EditFieldExists: "{entity}.{field} already exists", "{entity}.{field} 已存在";
    EditStillReferenced: "{entity} is still referenced by {users}; remove those fields first (edit backend-pro.yaml, then `backend-pro sync`)",
        "{entity} 仍被 {users} 引用；请先删除这些字段（编辑 backend-pro.yaml，然后运行 `backend-pro sync`）";
    EditNoCapability: "no capability named {name}; known capabilities: {known} (core is always on)", "没有名为 {name} 的能力；可用能力：{known}（core 始终启用）";
    EditCapabilityOn: "capability {name} is already on", "能力 {name} 已启用";
    EditCapabilityOff: "capability {name} is not on", "能力 {name} 未启用";
    EditCapabilityNeeded: "capability {name} is needed by {by}: remove {by} first", "能力 {by} 依赖 {name}：请先移除 {by}";
    // Capabilities in `analyze` and `new`.
    SuggestEvents: "note: the PRD mentions {what}; the events capability (outbox, a Kafka relay worker, consumers) is off: pass `--with events` to `new`, or run `backend-pro add capability events` later",
        "提示：PRD 提到了 {what}；事件能力（outbox、Kafka 投递进程、消费者）未启用：`new` 时加 `--with events`，或稍后运行 `backend-pro add capability events`";
    SuggestSagas: "note: the PRD describes {count} multi-step process(es) ({names}); with the events capability each becomes a saga: pass `--with events` to `new`, or run `backend-pro add capability events` later",
        "提示：PRD 描述了 {count} 个多步骤业务流程（{names}）；启用事件能力后每个流程生成为 saga：`new` 时加 `--with events`，或稍后运行 `backend-pro add capability events`";
    SuggestTenancy: "note: the PRD says the service is multi-tenant (line {line}); with the tenancy capability each tenant sees only its own rows (application filter and PostgreSQL row-level security): pass `--with tenancy` to `new`, or run `backend-pro add capability tenancy` later", "提示：PRD 说明本服务是多租户的（第 {line} 行）；启用 tenancy 能力后每个租户只能访问自己的数据（应用层过滤 + PostgreSQL 行级安全）：`new` 时加 `--with tenancy`，或之后运行 `backend-pro add capability tenancy`";
    TenancyNothingScoped: "note: the PRD says the service is multi-tenant (line {line}), but no entity's rows belong to a tenant, so the tenancy capability stays off: describe the tenant entity as one (`a tenant`) or name it Tenant, Workspace or Organization, give the others a required reference to it (or a required `tenant_id: uuid`), then run `backend-pro add capability tenancy`",
        "提示：PRD 说明本服务是多租户的（第 {line} 行），但没有实体的数据属于某个租户，因此未启用 tenancy 能力：在租户实体的描述中写明它是租户，或命名为 Tenant、Workspace、Organization，并让其他实体必填引用它（或加必填的 `tenant_id: uuid`），然后运行 `backend-pro add capability tenancy`";
    AddEntityShared: "note: {name} belongs to no tenant, so every tenant shares its rows; to isolate it, create it with the tenant column: `backend-pro undo`, then `backend-pro add entity {name} … --field {field}`", "提示：{name} 不属于任何租户，所有租户共享它的数据；如需隔离，请带上租户字段创建：先 `backend-pro undo`，再 `backend-pro add entity {name} … --field {field}`";
    CapabilityFromPrd: "note: capability {name} is on, since the PRD mentions {what}; `--without {name}` turns it off",
        "提示：PRD 提到了 {what}，已启用能力 {name}；`--without {name}` 可关闭";
    CapabilityFromActors: "note: capability {name} is on, since the PRD names who uses the service ({names}: each a role in the tokens); `--without {name}` turns it off",
        "提示：PRD 列出了使用者（{names}，各为令牌中的一个角色），已启用能力 {name}；`--without {name}` 可关闭";
    CapabilityFromTenancy: "note: capability {name} is on, since the PRD says the service is multi-tenant (line {line}); `--without {name}` turns it off",
        "提示：PRD 说明本服务是多租户的（第 {line} 行），已启用能力 {name}；`--without {name}` 可关闭";
    // test.
    TestNotAProject: "{path} is not a generated project (no go.mod): pass --project DIR", "{path} 不是生成的项目（没有 go.mod）：请用 --project DIR 指定";
    TestNoServices: "note: DATABASE_URL and REDIS_URL are not both set: the tests that need PostgreSQL or Redis skip; set both to run them", "提示：未同时设置 DATABASE_URL 与 REDIS_URL：需要 PostgreSQL 或 Redis 的测试将跳过；设置两者即可运行";
    TestSkipLint: "golangci-lint is not on PATH (`make lint` runs the pinned version)", "PATH 中没有 golangci-lint（`make lint` 会运行固定版本）";
    TestSkipPromtool: "promtool is not on PATH (Debian: apt install prometheus)", "PATH 中没有 promtool（Debian：apt install prometheus）";
    TestSkipE2e: "set E2E_BASE_URL to a running service (e.g. http://localhost:8080) to run it", "设置 E2E_BASE_URL 指向运行中的服务（如 http://localhost:8080）即可运行";
    TestFailedOutput: "{step} failed:", "{step} 失败：";
    TestSummary: "{passed} passed, {failed} failed, {skipped} skipped", "{passed} 项通过，{failed} 项失败，{skipped} 项跳过";
    // deploy.
    DeploySizing: "sizing: peak {qps} QPS ({qps_from}), availability {availability}% ({availability_from}), {per} req/s per instance → HPA {min} to {max} replicas (docs/CAPACITY.md)", "容量：峰值 {qps} QPS（{qps_from}），可用性 {availability}%（{availability_from}），单实例 {per} req/s → HPA {min} 到 {max} 个副本（docs/CAPACITY.md）";
    DeployRow: "  {factor} peak: {qps} QPS → {replicas} replicas, {conns} database connections", "  {factor} 峰值：{qps} QPS → {replicas} 个副本，{conns} 个数据库连接";
    DeployNext: "next: kubectl create secret generic {name}-secrets --from-literal=DATABASE_URL=… --from-literal=REDIS_URL=…, then kubectl apply -k deployments/k8s/base (or helm upgrade --install {name} deployments/helm/{name})", "下一步：kubectl create secret generic {name}-secrets --from-literal=DATABASE_URL=… --from-literal=REDIS_URL=…，然后 kubectl apply -k deployments/k8s/base（或 helm upgrade --install {name} deployments/helm/{name}）";
    // db.
    DbSummary: "docs/db/: {tables} tables, {columns} columns, {refs} references — er.md (mermaid), dictionary.md, schema.sql", "docs/db/：{tables} 张表、{columns} 列、{refs} 个引用 —— er.md（mermaid）、dictionary.md、schema.sql";
    DbTable: "  {table} {columns} columns{refs}", "  {table} {columns} 列{refs}";
    DbRefs: ", refers to {targets}", "，引用 {targets}";
    // monitor.
    MonitorTargets: "SLO targets: availability {availability}% ({availability_from}) → error budget {budget}; P99 {p99} ms ({p99_from}); P95 {p95} ms ({p95_from})",
        "SLO 目标：可用性 {availability}%（{availability_from}）→ 错误预算 {budget}；P99 {p99} 毫秒（{p99_from}）；P95 {p95} 毫秒（{p95_from}）";
    MonitorAlerts: "alerts ({n}), each with a promtool test and a runbook section (docs/RUNBOOK.md):", "告警（{n} 条），每条都有 promtool 测试和运维手册章节（docs/RUNBOOK.md）：";
    MonitorNext: "next: cd deployments/prometheus && promtool check rules alerts.yml && promtool test rules alerts_test.yml", "下一步：cd deployments/prometheus && promtool check rules alerts.yml && promtool test rules alerts_test.yml";
    // Migrations.
    MigrateModel: "cannot make migrations from this model:\n{details}", "无法根据此模型生成迁移：\n{details}";
    MigrateRefused: "no safe migration for these changes:", "以下变更没有安全的迁移方式：";
    TemplateFailed: "template {template}: {error}", "模板 {template}：{error}";
    // new, templates.
    NeedPrdOrModel: "pass --prd PRD.md or --model backend-pro.yaml", "请传入 --prd PRD.md 或 --model backend-pro.yaml";
    ForceBackup: "--force: the files it replaced are saved in {path}", "--force：被覆盖的文件已备份到 {path}";
    Generated: "Generated {service} ({entities} entities, {files} files) in {path}", "已在 {path} 生成 {service}（{entities} 个实体，{files} 个文件）";
    NextSteps: "Next steps:", "下一步：";
    ExplainFix: "fix: {fix}", "修复：{fix}";
    ExplainMore: "all codes: docs/DIAGNOSTICS.md", "全部代码：docs/DIAGNOSTICS.zh.md";
    ExplainUnknown: "unknown diagnostic code {code}; the codes are listed in docs/DIAGNOSTICS.md", "未知的诊断代码 {code}；全部代码见 docs/DIAGNOSTICS.zh.md";
    DefaultOut: "no --out given: writing to {path}/", "未指定 --out：写入 {path}/";
    DefaultModule: "Go module: {module} (pass --module to choose another)", "Go 模块：{module}（可用 --module 指定）";
    NextRunApi: "in-memory storage, http://localhost:8080", "内存存储，http://localhost:8080";
    NextCompose: "PostgreSQL + Redis (docker compose)", "启动 PostgreSQL + Redis（docker compose）";
    NextComposeKafka: "PostgreSQL + Redis + Kafka (docker compose)", "启动 PostgreSQL + Redis + Kafka（docker compose）";
    NextRunWorker: "the outbox relay and the consumers", "outbox 投递进程与消费者";
    RulesToWrite: "Rules to write (their endpoints answer 501 until then; see README.md):", "待实现的业务规则（实现前接口返回 501，见 README.md）：";
    NoTemplateMatches: "no template matches {prefix} (see `backend-pro templates list`)", "没有匹配 {prefix} 的模板（见 `backend-pro templates list`）";
    KeptExists: "kept (exists): {path}", "已存在，保留：{path}";
    Ejected: "ejected {n} template(s) to {path}", "已导出 {n} 个模板到 {path}";
    // The shell.
    Error: "error: {error}", "错误：{error}";
}

/// Chinese for the command-line help (clap about texts and argument help), keyed by the
/// English doc comment exactly as clap shows it. A test in the CLI fails when a help text
/// has no entry here.
const HELP_ZH: &[(&str, &str)] = &[
    ("PRD (Markdown, 中文 / English) → production-grade Go backend", "PRD（Markdown，中文 / English）→ 生产级 Go 后端"),
    ("Print this message or the help of the given subcommand(s)", "打印本帮助或指定子命令的帮助"),
    ("Language of messages and generated docs (default: the PRD's, or zh when LANG=zh*)", "消息与生成文档的语言（默认：PRD 的语言；LANG=zh* 时为 zh）"),
    ("Print only errors and warnings, and what the command is for (plan's files, check's drift); no progress or summary",
        "只输出错误和警告，以及命令本身的结果（plan 的文件、check 的漂移）；不输出进度和摘要"),
    ("Also print every file the command looked at, with its action (unchanged files, the bookkeeping in .backend-pro/)",
        "同时输出命令检查过的每个文件及其动作（包括未变的文件和 .backend-pro/ 中的记录）"),
    // analyze
    ("Extract the domain model from a PRD and print it", "从 PRD 提取领域模型并打印"),
    ("The PRD to read (Markdown)", "要读取的 PRD（Markdown）"),
    ("Output format", "输出格式"),
    ("Write the model here instead of standard output", "把模型写入此文件，而不是标准输出"),
    ("YAML file mapping PRD terms to identifiers (`会员: Member`)", "把 PRD 术语映射为标识符的 YAML 文件（`会员: Member`）"),
    ("YAML file mapping PRD terms to identifiers", "把 PRD 术语映射为标识符的 YAML 文件"),
    ("Write every PRD term that still needs an ASCII identifier to this YAML file (the mappings of --glossary kept), to fill in once and pass back with --glossary",
        "把所有仍需 ASCII 标识符的 PRD 术语写入此 YAML 文件（保留 --glossary 中已有的映射），填写一次后用 --glossary 传回"),
    ("Show, section by section, what each line of the PRD became (entity, field, use case, NFR, rule, guess) and which sections were skipped and why, instead of the model",
        "逐节显示 PRD 每一行变成了什么（实体、字段、用例、非功能需求、规则、推测），以及哪些章节被跳过及原因，而不是输出模型"),
    // new
    ("Generate a Go service from a PRD (or a backend-pro.yaml model)", "从 PRD（或 backend-pro.yaml 模型）生成 Go 服务"),
    ("The PRD to generate from (Markdown)", "用于生成的 PRD（Markdown）"),
    ("A backend-pro.yaml model to generate from instead of a PRD", "用 backend-pro.yaml 模型代替 PRD 生成"),
    ("Output directory (created; must be empty unless --force). Default: ./<service-name>", "输出目录（自动创建；除非使用 --force，否则必须为空）。默认：./<服务名>"),
    ("Print a shell completion script: `backend-pro completions bash > /etc/bash_completion.d/backend-pro`", "输出 shell 补全脚本：`backend-pro completions bash > /etc/bash_completion.d/backend-pro`"),
    ("The shell", "目标 shell"),
    ("Explain a diagnostic code (`E101`, `W401`): what it means and the usual fix", "解释诊断代码（`E101`、`W401`）：含义与常见修复方法"),
    ("The code, as printed in brackets (`error[E101]`)", "代码，即方括号中的部分（`error[E101]`）"),
    ("Output format: text, or one JSON document (docs/CLI.md)", "输出格式：text，或一个 JSON 文档（见 docs/CLI.md）"),
    ("Go module path (default: example.com/<service name>)", "Go 模块路径（默认：example.com/<服务名>）"),
    ("Write into a non-empty directory, replacing files with the same paths", "写入非空目录，替换同路径的文件"),
    ("Render everything and print the file list, but write nothing", "渲染全部文件并打印文件列表，但不写入"),
    // templates
    ("List or eject the built-in templates", "列出或导出内置模板"),
    ("List the default templates", "列出默认模板"),
    ("Copy default templates to <project>/.backend-pro/templates/ so they override the defaults", "把默认模板复制到 <项目>/.backend-pro/templates/，以覆盖默认模板"),
    ("A template path or directory prefix (e.g. `internal/domain`); all when omitted", "模板路径或目录前缀（如 `internal/domain`）；省略时为全部"),
    ("The project directory", "项目目录"),
    ("Overwrite templates already ejected", "覆盖已导出的模板"),
    // add, remove
    ("Add an entity, fields or a capability to a generated project", "向已生成的项目添加实体、字段或能力"),
    ("Turn a capability on: `add capability events` (files, tables and their migrations)", "启用能力：`add capability events`（文件、表及其迁移）"),
    ("Capability name (e.g. events)", "能力名（如 events）"),
    ("Turn a capability off: unmodified files are deleted, modified ones kept; drop migrations are added", "停用能力：未修改的文件被删除，修改过的保留；并添加删除表的迁移"),
    ("Enable a capability besides core (repeatable): auth, events, tenancy (turns auth on too); monitoring is on by default", "在 core 之外启用能力（可重复）：auth、events、tenancy（同时启用 auth）；monitoring 默认启用"),
    ("Disable a capability the PRD or model would enable (repeatable)", "停用 PRD 或模型会启用的能力（可重复）"),
    ("Add an entity: `add entity Review --field body:text:required --field book_id:ref:ref=Book`", "添加实体：`add entity Review --field body:text:required --field book_id:ref:ref=Book`"),
    ("Entity name (ASCII, e.g. Review)", "实体名（ASCII，如 Review）"),
    ("`name:type[:required|:unique|:default=V|:ref=Entity|:max=N|:label=L]`, repeatable", "`name:type[:required|:unique|:default=V|:ref=Entity|:max=N|:label=L]`，可重复"),
    ("`name:type[:required|:unique|:default=V|:ref=Entity|:max=N|:label=L]`", "`name:type[:required|:unique|:default=V|:ref=Entity|:max=N|:label=L]`（字段名:类型[:选项]）"),
    ("Take the entity's definition from this PRD. Without --field or --from-prd, the project's PRD (the one new or sync read) is used when it defines the entity",
        "从此 PRD 读取实体定义。既没有 --field 也没有 --from-prd 时，若项目的 PRD（new 或 sync 读取的那份）定义了该实体，就采用它"),
    ("Display label (e.g. 书评)", "显示名称（如 书评）"),
    ("Add fields to an entity: `add field Book isbn:string:unique pages:int`", "给实体添加字段：`add field Book isbn:string:unique pages:int`"),
    ("The entity to add fields to (e.g. Book)", "要添加字段的实体（如 Book）"),
    ("Remove an entity or a capability from a generated project", "从已生成的项目中删除实体或能力"),
    ("Remove an entity: unmodified files are deleted, modified ones kept; a drop migration is added", "删除实体：未修改的文件被删除，修改过的保留；并添加一个删除表的迁移"),
    ("Entity name (e.g. Review)", "实体名（如 Review）"),
    ("The project directory (default: the current directory)", "项目目录（默认：当前目录）"),
    ("Print the plan and write nothing", "只打印计划，不写入"),
    ("Overwrite conflicting files after backing them up under .backend-pro/backup/", "备份到 .backend-pro/backup/ 后覆盖冲突的文件"),
    // sync, plan, check, undo
    ("Apply a revised PRD (or hand edits of backend-pro.yaml) to a generated project", "把修订后的 PRD（或对 backend-pro.yaml 的手工修改）应用到已生成的项目"),
    ("Re-extract the model from this PRD; without it, apply the edits in backend-pro.yaml", "从此 PRD 重新提取模型；不传时应用 backend-pro.yaml 中的修改"),
    ("A field rename, `Entity.old:new` (repeatable); never guessed", "字段重命名 `Entity.old:new`（可重复）；从不猜测"),
    ("Confirm that a removed and an added field of the same type are not a rename", "确认同类型的一个删除字段和一个新增字段不是重命名"),
    ("Show what regenerating the project would change, per file, with diffs", "逐文件显示重新生成会带来的变更（含差异）"),
    ("Only the per-file summary, without diffs", "只显示逐文件摘要，不显示差异"),
    ("Fail when generated files drifted from the model (for CI)", "生成文件与模型不一致时失败（用于 CI）"),
    ("Revert the last applied change", "撤销最近一次应用的变更"),
    (
        "Run the generated project's checks (gofmt, vet, golangci-lint, build, go test -race, alert rules, e2e) and print one summary",
        "运行生成项目的检查（gofmt、vet、golangci-lint、构建、go test -race、告警规则、e2e）并打印汇总",
    ),
    (
        "Write Kubernetes manifests (kustomize base and Helm chart) and a capacity plan sized from the PRD's NFRs",
        "根据 PRD 的非功能需求生成 Kubernetes 清单（kustomize base 与 Helm chart）与容量规划",
    ),
    (
        "Requests per second one instance serves at one CPU within the latency targets, as measured with the generated load program (make load); sizes the replicas instead of the default 1000",
        "单个实例在 1 个 CPU 上、满足延迟目标时每秒可处理的请求数（用生成的负载程序 make load 实测）；用它代替默认的 1000 来推算副本数",
    ),
    (
        "Write the database docs: ER diagram, data dictionary and the full schema (docs/db/)",
        "生成数据库文档：ER 图、数据字典与完整表结构（docs/db/）",
    ),
    (
        "Write alert rules, their promtool tests, a Grafana dashboard and a runbook from the PRD's NFRs",
        "根据 PRD 的非功能需求生成告警规则及其 promtool 测试、Grafana 看板和运维手册",
    ),
];

/// The Chinese form of an English help text, if the catalogue has it.
pub fn help_zh(en: &str) -> Option<&'static str> {
    HELP_ZH.iter().find(|(e, _)| *e == en).map(|(_, z)| *z)
}

/// Fills `{name}` placeholders. Unknown names stay as written (a test keeps them in step).
pub fn fill(template: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(&v.to_string()),
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// `msg!(lang, Id)` or `msg!(lang, Id, name = value, ...)`: the message as a `String`.
#[macro_export]
macro_rules! msg {
    ($lang:expr, $id:ident) => {
        $crate::i18n::Msg::$id.text($lang).to_string()
    };
    ($lang:expr, $id:ident, $($k:ident = $v:expr),+ $(,)?) => {
        $crate::i18n::fill(
            $crate::i18n::Msg::$id.text($lang),
            &[$((stringify!($k), &$v as &dyn ::std::fmt::Display)),+],
        )
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(s: &str) -> Vec<&str> {
        let mut v: Vec<&str> = s
            .split('{')
            .skip(1)
            .filter_map(|p| p.split_once('}').map(|(n, _)| n))
            .collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn both_languages_have_the_same_placeholders() {
        for m in Msg::ALL {
            let (en, zh) = (m.text(Lang::En), m.text(Lang::Zh));
            assert_eq!(placeholders(en), placeholders(zh), "{m:?}");
            assert_ne!(en, zh, "{m:?} has no Chinese");
        }
    }

    #[test]
    fn fill_replaces_named_placeholders() {
        let path = "a/b";
        assert_eq!(
            crate::msg!(Lang::Zh, CannotRead, path = path),
            "无法读取 a/b"
        );
        assert_eq!(fill("{x} {y}", &[("x", &1)]), "1 {y}");
    }
}
