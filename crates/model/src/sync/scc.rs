//! Strongly connected components (Tarjan's algorithm, without recursion: a cycle of a hundred
//! thousand updates must not overflow the stack).

/// The strongly connected components of the graph with an edge `u → v` for each `v` in
/// `edges[u]`, each component's members ascending, components in an order where every
/// component comes after the components its edges reach (the targets first).
pub(crate) fn components(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let count = edges.len();
    let mut index = vec![UNSEEN; count];
    let mut low = vec![0usize; count];
    let mut on_stack = vec![false; count];
    let mut stack: Vec<usize> = Vec::new();
    let mut found: Vec<Vec<usize>> = Vec::new();
    let mut next_index = 0usize;
    // The depth-first walk: (node, how many of its edges were followed).
    let mut walk: Vec<(usize, usize)> = Vec::new();
    for root in 0..count {
        if index[root] != UNSEEN {
            continue;
        }
        walk.push((root, 0));
        while let Some(&mut (node, ref mut followed)) = walk.last_mut() {
            // A node is pushed unseen, so its first turn (no edge followed yet) numbers it.
            if *followed == 0 {
                index[node] = next_index;
                low[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&target) = edges[node].get(*followed) {
                *followed += 1;
                if index[target] == UNSEEN {
                    walk.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(index[target]);
                }
                continue;
            }
            walk.pop();
            if let Some(&(parent, _)) = walk.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                let mut members = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    members.push(member);
                    if member == node {
                        break;
                    }
                }
                members.sort_unstable();
                found.push(members);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_comes_targets_first() {
        // 0 waits for 1, 1 for 2.
        assert_eq!(
            components(&[vec![1], vec![2], vec![]]),
            [vec![2], vec![1], vec![0]]
        );
    }

    #[test]
    fn cycles_are_one_component_each_after_what_they_reach() {
        // 0 ⇄ 1, 1 → 2, 2 ⇄ 3, 4 alone, 5 → 0.
        let edges = [vec![1], vec![0, 2], vec![3], vec![2], vec![], vec![0]];
        assert_eq!(
            components(&edges),
            [vec![2, 3], vec![0, 1], vec![4], vec![5]]
        );
    }

    #[test]
    fn a_long_cycle_does_not_overflow_the_stack() {
        let count = 200_000;
        let edges: Vec<Vec<usize>> = (0..count).map(|node| vec![(node + 1) % count]).collect();
        let found = components(&edges);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].len(), count);
    }

    #[test]
    fn an_edge_to_a_finished_component_does_not_join_it() {
        // 1 is finished (its own component) before 0 and 2 meet it again.
        let edges = [vec![1, 2], vec![], vec![1, 0]];
        assert_eq!(components(&edges), [vec![1], vec![0, 2]]);
    }
}
