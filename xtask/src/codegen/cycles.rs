//! Boxing the fields that make a type contain itself by value (directly or through other
//! types), which Rust would otherwise refuse as a type of infinite size.

use std::collections::BTreeMap;

use super::ir::{TypeDef, TypeKind, TypeRef};

/// Marks as boxed every struct field and union variant that points, by value, back into the
/// strongly connected component of its own type.
pub(crate) fn box_recursive_fields(defs: &mut [TypeDef]) {
    let index: BTreeMap<String, usize> = defs
        .iter()
        .enumerate()
        .map(|(position, def)| (def.name.clone(), position))
        .collect();
    let edges: Vec<Vec<usize>> = defs
        .iter()
        .map(|def| {
            by_value_targets(&def.kind)
                .into_iter()
                .filter_map(|name| index.get(name).copied())
                .collect()
        })
        .collect();
    let component = strongly_connected_components(&edges);
    for position in 0..defs.len() {
        let own = component[position];
        let in_own_component = |ty: &TypeRef| match ty {
            TypeRef::Named(name) => index
                .get(name)
                .is_some_and(|&target| component[target] == own),
            _ => false,
        };
        match &mut defs[position].kind {
            TypeKind::Struct(def) => {
                for field in &mut def.fields {
                    field.boxed = in_own_component(&field.ty);
                }
            }
            TypeKind::Union(def) => {
                for variant in &mut def.variants {
                    variant.boxed = in_own_component(&variant.ty);
                }
            }
            TypeKind::Enum(_) | TypeKind::Alias(_) | TypeKind::Newtype(_) => {}
        }
    }
}

/// The generated types a type holds by value (not behind a `Vec` or a map).
fn by_value_targets(kind: &TypeKind) -> Vec<&str> {
    fn named(ty: &TypeRef) -> Option<&str> {
        match ty {
            TypeRef::Named(name) => Some(name.as_str()),
            _ => None,
        }
    }
    match kind {
        TypeKind::Struct(def) => def
            .fields
            .iter()
            .filter_map(|field| named(&field.ty))
            .collect(),
        TypeKind::Union(def) => def
            .variants
            .iter()
            .filter_map(|variant| named(&variant.ty))
            .collect(),
        TypeKind::Alias(ty) | TypeKind::Newtype(ty) => named(ty).into_iter().collect(),
        TypeKind::Enum(_) => Vec::new(),
    }
}

/// Tarjan's algorithm, iterative; returns the component number of every node. A node on no
/// cycle is alone in its component, and a self-loop keeps it in its own component (boxed too).
fn strongly_connected_components(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNVISITED: usize = usize::MAX;
    let count = edges.len();
    let mut order = vec![UNVISITED; count];
    let mut low = vec![0; count];
    let mut on_stack = vec![false; count];
    let mut stack = Vec::new();
    let mut component = vec![UNVISITED; count];
    let mut next_order = 0;
    let mut next_component = 0;
    for start in 0..count {
        if order[start] != UNVISITED {
            continue;
        }
        let mut work = vec![(start, 0usize)];
        while let Some(&mut (node, ref mut edge)) = work.last_mut() {
            if *edge == 0 && order[node] == UNVISITED {
                order[node] = next_order;
                low[node] = next_order;
                next_order += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&target) = edges[node].get(*edge) {
                *edge += 1;
                if order[target] == UNVISITED {
                    work.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(order[target]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == order[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_group_cycles_and_leave_others_alone() {
        // 0 -> 1 -> 0 is a cycle; 2 -> 0 is not part of it; 3 -> 3 is a self-loop.
        let component = strongly_connected_components(&[vec![1], vec![0], vec![0], vec![3]]);
        assert_eq!(component[0], component[1]);
        assert_ne!(component[2], component[0]);
        assert_ne!(component[3], component[0]);
    }
}
