//! SQL DDL in code blocks: `CREATE TABLE` (types, NOT NULL, UNIQUE, DEFAULT, REFERENCES,
//! ENUM(...), CHECK (x IN (...)), COMMENT '…'), `CREATE TYPE … AS ENUM`, `CREATE INDEX`,
//! `COMMENT ON`, `ALTER TABLE … FOREIGN KEY`. A small tolerant tokenizer: statements it does
//! not understand are skipped, never fatal.

use crate::extract::entities::{RawEntity, RawIndex, Source};
use crate::extract::fields::{RawField, TypeSrc};
use crate::extract::headings::{clean_label, split_name};
use crate::extract::types::{self, Parsed, TypeSpec};
use crate::extract::Ctx;
use crate::model::{EnumValue, FieldType};
use crate::prd::{Code, Pos};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// Bare or quoted identifier / keyword.
    Word(String, bool),
    Str(String),
    Num(String),
    Punct(char),
    /// `-- comment` / `# comment` at the end of a line.
    Comment(String),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    pos: Pos,
}

fn tokenize(code: &Code) -> Vec<Token> {
    let mut out = Vec::new();
    let mut in_block_comment = false;
    for line in &code.lines {
        let chars: Vec<char> = line.text.chars().collect();
        let mut i = 0;
        let at = |i: usize| Pos {
            line: line.pos.line,
            col: i as u32 + 1,
        };
        while i < chars.len() {
            let c = chars[i];
            if in_block_comment {
                if c == '*' && chars.get(i + 1) == Some(&'/') {
                    in_block_comment = false;
                    i += 2;
                } else {
                    i += 1;
                }
                continue;
            }
            if c.is_whitespace() {
                i += 1;
                continue;
            }
            if c == '/' && chars.get(i + 1) == Some(&'*') {
                in_block_comment = true;
                i += 2;
                continue;
            }
            if (c == '-' && chars.get(i + 1) == Some(&'-')) || c == '#' {
                let text: String = chars[i..].iter().collect();
                let text = text.trim_start_matches(['-', '#']).trim().to_string();
                out.push(Token {
                    tok: Tok::Comment(text),
                    pos: at(i),
                });
                break;
            }
            let start = i;
            if c == '\'' {
                let mut s = String::new();
                i += 1;
                while i < chars.len() {
                    if chars[i] == '\'' {
                        if chars.get(i + 1) == Some(&'\'') {
                            s.push('\'');
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        s.push(chars[i + 1]);
                        i += 2;
                        continue;
                    }
                    s.push(chars[i]);
                    i += 1;
                }
                out.push(Token {
                    tok: Tok::Str(s),
                    pos: at(start),
                });
                continue;
            }
            if c == '[' && chars.get(i + 1) == Some(&']') {
                out.push(Token {
                    tok: Tok::Punct('['),
                    pos: at(i),
                });
                out.push(Token {
                    tok: Tok::Punct(']'),
                    pos: at(i + 1),
                });
                i += 2;
                continue;
            }
            if c == '"' || c == '`' || c == '[' {
                let close = match c {
                    '[' => ']',
                    other => other,
                };
                let mut s = String::new();
                i += 1;
                while i < chars.len() && chars[i] != close {
                    s.push(chars[i]);
                    i += 1;
                }
                i += 1;
                out.push(Token {
                    tok: Tok::Word(s, true),
                    pos: at(start),
                });
                continue;
            }
            if c.is_ascii_digit() {
                let mut s = String::new();
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    s.push(chars[i]);
                    i += 1;
                }
                out.push(Token {
                    tok: Tok::Num(s),
                    pos: at(start),
                });
                continue;
            }
            if c.is_alphanumeric() || c == '_' {
                let mut s = String::new();
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
                {
                    s.push(chars[i]);
                    i += 1;
                }
                out.push(Token {
                    tok: Tok::Word(s, false),
                    pos: at(start),
                });
                continue;
            }
            out.push(Token {
                tok: Tok::Punct(c),
                pos: at(start),
            });
            i += 1;
        }
    }
    out
}

struct P<'a> {
    toks: &'a [Token],
    i: usize,
}

impl<'a> P<'a> {
    fn peek(&self) -> Option<&'a Token> {
        self.toks[self.i.min(self.toks.len())..]
            .iter()
            .find(|t| !matches!(t.tok, Tok::Comment(_)))
    }
    fn next(&mut self) -> Option<&'a Token> {
        while let Some(t) = self.toks.get(self.i) {
            self.i += 1;
            if !matches!(t.tok, Tok::Comment(_)) {
                return Some(t);
            }
        }
        None
    }
    fn kw(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Token { tok: Tok::Word(s, false), .. }) if s.eq_ignore_ascii_case(w))
    }
    fn eat_kw(&mut self, w: &str) -> bool {
        if self.kw(w) {
            self.next();
            true
        } else {
            false
        }
    }
    fn punct(&self, c: char) -> bool {
        matches!(self.peek(), Some(Token { tok: Tok::Punct(p), .. }) if *p == c)
    }
    fn eat_punct(&mut self, c: char) -> bool {
        if self.punct(c) {
            self.next();
            true
        } else {
            false
        }
    }
    fn word(&mut self) -> Option<(String, Pos)> {
        match self.peek() {
            Some(Token {
                tok: Tok::Word(s, _),
                pos,
            }) => {
                let r = (s.clone(), *pos);
                self.next();
                Some(r)
            }
            _ => None,
        }
    }
    /// `schema.table` → `table`.
    fn qualified(&mut self) -> Option<(String, Pos)> {
        let mut w = self.word()?;
        while self.eat_punct('.') {
            if let Some(n) = self.word() {
                w = n;
            }
        }
        Some(w)
    }
    /// Skips to the end of the statement (`;`) at depth 0.
    fn skip_statement(&mut self) {
        let mut depth = 0i32;
        while let Some(t) = self.next() {
            match t.tok {
                Tok::Punct('(') => depth += 1,
                Tok::Punct(')') => depth -= 1,
                Tok::Punct(';') if depth <= 0 => return,
                _ => {}
            }
        }
    }
    /// Tokens of a parenthesized group (after its `(`), up to the matching `)`.
    fn group(&mut self) -> Vec<&'a Token> {
        let mut depth = 1;
        let mut out = Vec::new();
        while let Some(t) = self.toks.get(self.i) {
            self.i += 1;
            match t.tok {
                Tok::Punct('(') => depth += 1,
                Tok::Punct(')') => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            out.push(t);
        }
        out
    }
}

fn words_of(group: &[&Token]) -> Vec<String> {
    group
        .iter()
        .filter_map(|t| match &t.tok {
            Tok::Word(s, _) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

fn strings_of(group: &[&Token]) -> Vec<EnumValue> {
    group
        .iter()
        .filter_map(|t| match &t.tok {
            Tok::Str(s) => Some(EnumValue {
                value: s.clone(),
                label: String::new(),
            }),
            Tok::Num(n) => Some(EnumValue {
                value: n.clone(),
                label: String::new(),
            }),
            _ => None,
        })
        .collect()
}

/// `col IN ('a','b')` inside a CHECK group → (column, values).
fn check_in(group: &[&Token]) -> Option<(String, Vec<EnumValue>)> {
    let pos_in = group
        .iter()
        .position(|t| matches!(&t.tok, Tok::Word(s, false) if s.eq_ignore_ascii_case("in")))?;
    let col = group[..pos_in].iter().rev().find_map(|t| match &t.tok {
        Tok::Word(s, _) => Some(s.clone()),
        _ => None,
    })?;
    let values = strings_of(&group[pos_in + 1..]);
    (!values.is_empty()).then_some((col, values))
}

fn text_of(toks: &[&Token]) -> String {
    let mut s = String::new();
    for t in toks {
        match &t.tok {
            Tok::Word(w, _) => {
                if !s.is_empty() && !s.ends_with('(') {
                    s.push(' ');
                }
                s.push_str(w);
            }
            Tok::Num(n) => {
                if !s.is_empty() && !s.ends_with('(') && !s.ends_with(',') {
                    s.push(' ');
                }
                s.push_str(n);
            }
            Tok::Str(v) => {
                s.push('\'');
                s.push_str(v);
                s.push('\'');
            }
            Tok::Punct(c) => s.push(*c),
            Tok::Comment(_) => {}
        }
    }
    s
}

const COLUMN_STOP: &[&str] = &[
    "not",
    "null",
    "default",
    "primary",
    "unique",
    "references",
    "check",
    "comment",
    "auto_increment",
    "autoincrement",
    "constraint",
    "generated",
    "collate",
    "on",
    "identity",
    "character",
    "charset",
];

/// Parses every statement in a SQL code block into raw entities (one per `CREATE TABLE`).
pub fn parse(code: &Code, section: usize, cx: &mut Ctx) -> Vec<RawEntity> {
    let toks = tokenize(code);
    let mut p = P { toks: &toks, i: 0 };
    let mut tables: Vec<RawEntity> = Vec::new();
    let mut enum_types: HashMap<String, Vec<EnumValue>> = HashMap::new();
    // Statements after the tables they modify: (table, column or "", comment).
    let mut comments: Vec<(String, String, String)> = Vec::new();
    let mut fks: Vec<(String, String, String)> = Vec::new();
    let mut indexes: Vec<(String, RawIndex)> = Vec::new();
    let mut table_names: Vec<String> = Vec::new();
    while p.peek().is_some() {
        if p.eat_kw("create") {
            p.eat_kw("or");
            p.eat_kw("replace");
            let unique = p.eat_kw("unique");
            if p.eat_kw("table") {
                if p.eat_kw("if") {
                    p.eat_kw("not");
                    p.eat_kw("exists");
                }
                if let Some((name, pos)) = p.qualified() {
                    if p.eat_punct('(') {
                        let group = p.group();
                        let mut e = table(&name, pos, &group, section, &enum_types, cx);
                        // Table options: `COMMENT='…'`, `COMMENT '…'`.
                        while let Some(t) = p.peek() {
                            if matches!(t.tok, Tok::Punct(';')) {
                                break;
                            }
                            if p.eat_kw("comment") {
                                p.eat_punct('=');
                                if let Some(Token {
                                    tok: Tok::Str(s), ..
                                }) = p.peek()
                                {
                                    e.label = clean_label(s);
                                }
                            }
                            p.next();
                        }
                        table_names.push(name);
                        tables.push(e);
                    }
                }
                p.skip_statement();
                continue;
            }
            if p.eat_kw("type") {
                if let Some((name, _)) = p.qualified() {
                    if p.eat_kw("as") && p.eat_kw("enum") && p.eat_punct('(') {
                        let g = p.group();
                        let values = strings_of(&g);
                        cx.enum_types
                            .insert(name.to_ascii_lowercase(), values.clone());
                        enum_types.insert(name.to_ascii_lowercase(), values);
                    }
                }
                p.skip_statement();
                continue;
            }
            if p.eat_kw("index") {
                p.eat_kw("concurrently");
                if p.eat_kw("if") {
                    p.eat_kw("not");
                    p.eat_kw("exists");
                }
                if !p.kw("on") {
                    p.qualified();
                }
                if p.eat_kw("on") {
                    if let Some((t, _)) = p.qualified() {
                        if p.eat_kw("using") {
                            p.word();
                        }
                        if p.eat_punct('(') {
                            let g = p.group();
                            indexes.push((
                                t,
                                RawIndex {
                                    fields: index_cols(&g),
                                    unique,
                                },
                            ));
                        }
                    }
                }
                p.skip_statement();
                continue;
            }
            p.skip_statement();
            continue;
        }
        if p.eat_kw("comment") {
            // COMMENT ON TABLE t IS '…' / COMMENT ON COLUMN t.c IS '…'
            if p.eat_kw("on") {
                let is_col = p.eat_kw("column");
                if !is_col {
                    p.eat_kw("table");
                }
                let mut parts = Vec::new();
                while let Some((w, _)) = p.word() {
                    if w.eq_ignore_ascii_case("is") {
                        break;
                    }
                    parts.push(w);
                    p.eat_punct('.');
                }
                if let Some(Token {
                    tok: Tok::Str(s), ..
                }) = p.peek()
                {
                    let (t, c) = if is_col && parts.len() >= 2 {
                        (
                            parts[parts.len() - 2].clone(),
                            parts[parts.len() - 1].clone(),
                        )
                    } else {
                        (parts.last().cloned().unwrap_or_default(), String::new())
                    };
                    comments.push((t, c, s.clone()));
                }
            }
            p.skip_statement();
            continue;
        }
        if p.eat_kw("alter") && p.eat_kw("table") {
            p.eat_kw("only");
            if let Some((t, _)) = p.qualified() {
                while p.peek().is_some() && !p.punct(';') {
                    if p.eat_kw("foreign") && p.eat_kw("key") && p.eat_punct('(') {
                        let cols = words_of(&p.group());
                        if p.eat_kw("references") {
                            if let Some((target, _)) = p.qualified() {
                                if let Some(c) = cols.first() {
                                    fks.push((t.clone(), c.clone(), target));
                                }
                            }
                        }
                        continue;
                    }
                    p.next();
                }
            }
            p.skip_statement();
            continue;
        }
        p.skip_statement();
    }
    for (t, c, text) in comments {
        if let Some(e) = find_table(&mut tables, &table_names, &t) {
            if c.is_empty() {
                e.label = clean_label(&text);
            } else if let Some(f) = e
                .fields
                .iter_mut()
                .find(|f| f.name.as_deref() == Some(&crate::names::snake(&c)))
            {
                f.label = text;
            }
        }
    }
    for (t, c, target) in fks {
        if let Some(e) = find_table(&mut tables, &table_names, &t) {
            let c = crate::names::snake(&c);
            if let Some(f) = e.fields.iter_mut().find(|f| f.name.as_deref() == Some(&c)) {
                f.mods.ref_target = Some(target);
            }
        }
    }
    for (t, ix) in indexes {
        if let Some(e) = find_table(&mut tables, &table_names, &t) {
            e.indexes.push(ix);
        }
    }
    tables
}

/// A `course_schedule_id` column without a foreign key refers to what the same column
/// refers to in another table of the PRD (only when that target is unambiguous).
pub fn shared_foreign_keys(tables: &mut [RawEntity]) {
    let mut targets: HashMap<String, Option<String>> = HashMap::new();
    for f in tables.iter().flat_map(|e| &e.fields) {
        let (Some(n), Some(t)) = (&f.name, &f.mods.ref_target) else {
            continue;
        };
        if !n.ends_with("_id") {
            continue;
        }
        targets
            .entry(n.clone())
            .and_modify(|prev| {
                if prev.as_deref() != Some(t.as_str()) {
                    *prev = None;
                }
            })
            .or_insert_with(|| Some(t.clone()));
    }
    for f in tables.iter_mut().flat_map(|e| e.fields.iter_mut()) {
        if f.mods.ref_target.is_some() || f.mods.primary_key {
            continue;
        }
        if let Some(Some(t)) = f.name.as_ref().and_then(|n| targets.get(n)) {
            f.mods.ref_target = Some(t.clone());
        }
    }
}

fn find_table<'e>(
    tables: &'e mut [RawEntity],
    names: &[String],
    t: &str,
) -> Option<&'e mut RawEntity> {
    let i = names.iter().position(|n| n.eq_ignore_ascii_case(t))?;
    tables.get_mut(i)
}

fn index_cols(g: &[&Token]) -> Vec<String> {
    // `(a, b DESC)`, `(lower(email))` → column words that are not keywords.
    let mut out = Vec::new();
    let mut depth = 0;
    let mut first_in_item = true;
    for t in g {
        match &t.tok {
            Tok::Punct('(') => depth += 1,
            Tok::Punct(')') => depth -= 1,
            Tok::Punct(',') if depth == 0 => first_in_item = true,
            Tok::Word(w, _) if first_in_item || depth > 0 => {
                let lw = w.to_ascii_lowercase();
                if !matches!(lw.as_str(), "asc" | "desc" | "lower" | "upper" | "nulls") {
                    out.push(crate::names::snake(w));
                    first_in_item = false;
                }
            }
            _ => {}
        }
    }
    out
}

/// Splits a CREATE TABLE body at top-level commas.
fn items<'a>(group: &[&'a Token]) -> Vec<Vec<&'a Token>> {
    let mut out = vec![];
    let mut cur = vec![];
    let mut depth = 0;
    for t in group {
        if let Tok::Comment(_) = t.tok {
            // A comment right after `col …,` on the same line describes that column.
            let prev_line = out
                .last()
                .and_then(|p: &Vec<&Token>| p.last())
                .map(|p| p.pos.line);
            if cur.is_empty() && prev_line == Some(t.pos.line) {
                if let Some(prev) = out.last_mut() {
                    prev.push(*t);
                    continue;
                }
            }
        }
        match t.tok {
            Tok::Punct('(') => depth += 1,
            Tok::Punct(')') => depth -= 1,
            Tok::Punct(',') if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(*t);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn table(
    name: &str,
    pos: Pos,
    group: &[&Token],
    section: usize,
    enum_types: &HashMap<String, Vec<EnumValue>>,
    cx: &mut Ctx,
) -> RawEntity {
    let parts = split_name(name);
    let mut e = RawEntity::new(parts, Source::Ddl, pos, section);
    e.aliases.push(name.to_string());
    let mut pk_cols: Vec<String> = Vec::new();
    for item in items(group) {
        let Some(first) = item.first() else { continue };
        let Tok::Word(w, quoted) = &first.tok else {
            continue;
        };
        let lw = w.to_ascii_lowercase();
        let constraint_kw = !quoted
            && matches!(
                lw.as_str(),
                "primary"
                    | "unique"
                    | "foreign"
                    | "constraint"
                    | "key"
                    | "index"
                    | "check"
                    | "fulltext"
                    | "spatial"
            );
        if constraint_kw {
            table_constraint(&item, &mut e, &mut pk_cols);
            continue;
        }
        if let Some(f) = column(&item, enum_types, cx) {
            e.fields.push(f);
        }
    }
    // A primary key on one column that is not `id` marks it unique (the generator adds `id`).
    if pk_cols.len() == 1 {
        let c = crate::names::snake(&pk_cols[0]);
        if let Some(f) = e.fields.iter_mut().find(|f| f.name.as_deref() == Some(&c)) {
            f.mods.primary_key = true;
        }
    }
    e
}

fn table_constraint(item: &[&Token], e: &mut RawEntity, pk_cols: &mut Vec<String>) {
    let mut p = P { toks: &[], i: 0 };
    let owned: Vec<Token> = item.iter().map(|t| (*t).clone()).collect();
    p.toks = &owned;
    if p.eat_kw("constraint") {
        p.word();
    }
    if p.eat_kw("primary") {
        p.eat_kw("key");
        if p.eat_punct('(') {
            *pk_cols = words_of(&p.group());
        }
        return;
    }
    if p.eat_kw("unique") {
        p.eat_kw("key");
        p.eat_kw("index");
        if !p.punct('(') {
            p.word();
        }
        if p.eat_punct('(') {
            let cols = index_cols(&p.group());
            if cols.len() == 1 {
                if let Some(f) = e
                    .fields
                    .iter_mut()
                    .find(|f| f.name.as_deref() == Some(cols[0].as_str()))
                {
                    f.mods.unique = true;
                    return;
                }
            }
            e.indexes.push(RawIndex {
                fields: cols,
                unique: true,
            });
        }
        return;
    }
    if p.eat_kw("foreign") {
        p.eat_kw("key");
        if p.eat_punct('(') {
            let cols = words_of(&p.group());
            if p.eat_kw("references") {
                if let Some((target, _)) = p.qualified() {
                    if let Some(c) = cols.first() {
                        let c = crate::names::snake(c);
                        if let Some(f) = e.fields.iter_mut().find(|f| f.name.as_deref() == Some(&c))
                        {
                            f.mods.ref_target = Some(target);
                        }
                    }
                }
            }
        }
        return;
    }
    if p.eat_kw("check") {
        if p.eat_punct('(') {
            let g = p.group();
            if let Some((col, values)) = check_in(&g) {
                let c = crate::names::snake(&col);
                if let Some(f) = e.fields.iter_mut().find(|f| f.name.as_deref() == Some(&c)) {
                    f.mods.enum_values = values;
                }
            }
        }
        return;
    }
    if p.eat_kw("key") || p.eat_kw("index") {
        if !p.punct('(') {
            p.word();
        }
        if p.eat_punct('(') {
            let cols = index_cols(&p.group());
            e.indexes.push(RawIndex {
                fields: cols,
                unique: false,
            });
        }
    }
}

fn column(
    item: &[&Token],
    enum_types: &HashMap<String, Vec<EnumValue>>,
    cx: &mut Ctx,
) -> Option<RawField> {
    let owned: Vec<Token> = item.iter().map(|t| (*t).clone()).collect();
    let mut p = P { toks: &owned, i: 0 };
    let (name, pos) = p.word()?;
    let mut f = RawField::new(pos);
    let parts = split_name(&name);
    f.name = cx.field_ident(parts.ident.as_deref(), &parts.label, &name, pos);
    // Type: words and groups up to the first constraint keyword.
    let type_start = p.i;
    let type_pos = p.peek().map(|t| t.pos).unwrap_or(pos);
    let mut enum_group: Option<Vec<EnumValue>> = None;
    while let Some(t) = p.peek() {
        match &t.tok {
            Tok::Word(w, false)
                if p.i > type_start && COLUMN_STOP.contains(&w.to_ascii_lowercase().as_str()) =>
            {
                break
            }
            Tok::Word(w, _) if w.eq_ignore_ascii_case("enum") || w.eq_ignore_ascii_case("set") => {
                p.next();
                if p.eat_punct('(') {
                    enum_group = Some(strings_of(&p.group()));
                }
            }
            Tok::Punct('(') => {
                p.next();
                p.group();
            }
            Tok::Punct('[') | Tok::Punct(']') => {
                p.next();
            }
            Tok::Word(..) | Tok::Num(_) | Tok::Punct(_) | Tok::Str(_) => {
                p.next();
            }
            Tok::Comment(_) => break,
        }
    }
    let type_toks: Vec<&Token> = owned[type_start..p.i].iter().collect();
    let type_text = text_of(&type_toks);
    f.type_pos = type_pos;
    if let Some(values) = enum_group {
        f.ty = TypeSrc::Spec(TypeSpec {
            ty: Some(FieldType::Enum),
            enum_values: values,
            ..TypeSpec::default()
        });
    } else if let Some(values) = enum_types.get(&type_text.to_ascii_lowercase()) {
        f.ty = TypeSrc::Spec(TypeSpec {
            ty: Some(FieldType::Enum),
            enum_values: values.clone(),
            ..TypeSpec::default()
        });
    } else {
        // `varchar(20)[]` keeps its brackets for the list form.
        let raw = if owned[type_start..p.i]
            .iter()
            .any(|t| matches!(t.tok, Tok::Punct('[')))
            && !type_text.ends_with("[]")
        {
            format!("{type_text}[]")
        } else {
            type_text.clone()
        };
        match types::parse_type(&raw, &types::NoEntities) {
            Parsed::Type(spec, _) => f.ty = TypeSrc::Spec(spec),
            _ => f.ty = TypeSrc::Text(raw),
        }
    }
    let mut last_line = pos.line;
    // Constraints.
    while let Some(t) = p.next() {
        last_line = t.pos.line;
        let Tok::Word(w, _) = &t.tok else { continue };
        match w.to_ascii_lowercase().as_str() {
            "not" if p.eat_kw("null") => f.mods.required = Some(true),
            "null" if f.mods.required.is_none() => f.mods.required = Some(false),
            "primary" => {
                p.eat_kw("key");
                f.mods.primary_key = true;
            }
            "unique" => {
                p.eat_kw("key");
                f.mods.unique = true;
            }
            "default" => {
                f.mods.default = default_value(&mut p);
            }
            "references" => {
                if let Some((target, _)) = p.qualified() {
                    f.mods.ref_target = Some(target);
                }
                if p.eat_punct('(') {
                    p.group();
                }
            }
            "check" if p.eat_punct('(') => {
                let g = p.group();
                if let Some((_, values)) = check_in(&g) {
                    f.mods.enum_values = values;
                }
            }
            "comment" => {
                if let Some(Token {
                    tok: Tok::Str(s), ..
                }) = p.peek()
                {
                    f.label = s.clone();
                    p.next();
                }
            }
            _ => {}
        }
    }
    // `-- 用户名` after the column on the same line.
    if f.label.is_empty() {
        let next_comment = owned
            .iter()
            .rev()
            .find(|t| matches!(t.tok, Tok::Comment(_)) && t.pos.line == last_line);
        if let Some(Token {
            tok: Tok::Comment(c),
            ..
        }) = next_comment
        {
            f.label = c.clone();
        }
    }
    // Descriptions like `状态：0-正常 1-禁用` in a comment carry enum codes.
    f.hints = f.label.clone();
    if let Some((short, _)) = f.label.split_once([':', '：', ',', '，', '(', '（']) {
        if !short.trim().is_empty() {
            f.description = f.label.clone();
            f.label = short.trim().to_string();
        }
    }
    Some(f)
}

/// `DEFAULT 'x'`, `DEFAULT 0`, `DEFAULT TRUE`; SQL expressions (`now()`, `CURRENT_TIMESTAMP`,
/// `gen_random_uuid()`) give no literal default.
fn default_value(p: &mut P) -> Option<String> {
    let neg = p.eat_punct('-');
    let t = p.next()?;
    let v = match &t.tok {
        Tok::Str(s) => Some(s.clone()),
        Tok::Num(n) => Some(if neg { format!("-{n}") } else { n.clone() }),
        Tok::Word(w, false) => {
            let lw = w.to_ascii_lowercase();
            if matches!(lw.as_str(), "true" | "false") {
                Some(lw)
            } else {
                if p.punct('(') {
                    p.next();
                    p.group();
                }
                None
            }
        }
        Tok::Punct('(') => {
            let g = p.group();
            return match g.as_slice() {
                [Token {
                    tok: Tok::Str(s), ..
                }] => Some(s.clone()),
                [Token {
                    tok: Tok::Num(n), ..
                }] => Some(n.clone()),
                _ => None,
            };
        }
        _ => None,
    };
    // `'x'::status`
    if p.punct(':') {
        p.next();
        p.eat_punct(':');
        p.word();
    }
    v
}
