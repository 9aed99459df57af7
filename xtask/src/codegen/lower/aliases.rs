//! Aliases that cannot be type aliases: cycles of aliases (refused) and aliases that contain
//! themselves (made newtypes).

use std::collections::{BTreeMap, BTreeSet};

use super::Lowerer;
use crate::codegen::error::Problem;
use crate::codegen::ir::{TypeDef, TypeKind, TypeRef};

impl Lowerer<'_> {
    /// Refuses aliases that refer to each other in a loop (`A = B`, `B = A`): no Rust type can be both.
    pub(super) fn check_alias_cycles(&mut self) {
        let aliases: BTreeMap<&str, &str> = self
            .defs
            .iter()
            .filter_map(|def| match &def.kind {
                TypeKind::Alias(TypeRef::Named(target)) => {
                    Some((def.name.as_str(), target.as_str()))
                }
                _ => None,
            })
            .collect();
        let mut problems = Vec::new();
        for &start in aliases.keys() {
            let mut current = start;
            let mut steps = 0;
            while let Some(&next) = aliases.get(current) {
                current = next;
                steps += 1;
                if current == start || steps > aliases.len() {
                    let origin = self
                        .defs
                        .iter()
                        .find(|def| def.name == start)
                        .map(|def| def.origin.clone())
                        .unwrap_or_default();
                    problems.push(Problem::in_schema(
                        &origin,
                        &format!("#/components/schemas/{origin}"),
                        "the schema is an alias in a cycle of aliases; no Rust type can be defined by itself",
                    ));
                    break;
                }
            }
        }
        self.problems.extend(problems);
    }
}

/// Turns aliases whose type contains the alias itself (through other aliases) into newtypes.
pub(super) fn wrap_self_containing_aliases(defs: &mut [TypeDef]) {
    let aliases: BTreeMap<String, TypeRef> = defs
        .iter()
        .filter_map(|def| match &def.kind {
            TypeKind::Alias(ty) => Some((def.name.clone(), ty.clone())),
            _ => None,
        })
        .collect();
    for def in defs.iter_mut() {
        if let TypeKind::Alias(ty) = &def.kind {
            let mut visited = BTreeSet::new();
            if mentions(ty, &def.name, &aliases, &mut visited) {
                def.kind = TypeKind::Newtype(ty.clone());
            }
        }
    }
}

/// Whether `ty` mentions `name`, looking through aliases.
fn mentions(
    ty: &TypeRef,
    name: &str,
    aliases: &BTreeMap<String, TypeRef>,
    visited: &mut BTreeSet<String>,
) -> bool {
    match ty {
        TypeRef::Named(target) if target == name => true,
        TypeRef::Named(target) => match aliases.get(target) {
            Some(inner) if visited.insert(target.clone()) => {
                mentions(inner, name, aliases, visited)
            }
            _ => false,
        },
        TypeRef::Vec(inner) | TypeRef::Map(inner) => mentions(inner, name, aliases, visited),
        _ => false,
    }
}
