//! Query sites: repository / EntityManager calls, QueryBuilder chains, raw `.query()`.
//! (Being written; see the helper brief.)

use super::facts::FileFacts;
use tree_sitter::Node;

pub fn extract_queries(_root: Node, _src: &str, _facts: &mut FileFacts) {}
