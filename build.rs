// Templates are embedded with include_dir, which cannot tell Cargo about new or changed
// files on stable Rust; this makes Cargo rebuild when anything under templates/ (core) or a
// capability folder (src/capability/*/templates) changes.
fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=src/capability");
}
