// A layered layout of the service graph, pure (no DOM): callers on the left, their dependencies to
// the right. A service's column is the length of the longest chain of callers above it, so every
// dependency edge points right; edges that close a cycle are marked `back` and ignored for columns.
// Within a column, services are ordered by the mean row of their callers (barycenter), which keeps
// most edges short and uncrossed.

/**
 * @param services [{name, dependsOn: [name...]}]; a dependency that is not a service of the list
 *                 becomes a node of its own, marked phantom
 * @param opts     {nodeWidth, nodeHeight, gapX, gapY, pad}
 * @returns {{nodes: Map<string, {x, y, col, row, phantom}>, edges: [{from, to, back}], width, height}}
 */
export function layered(services, opts = {}) {
  const W = opts.nodeWidth ?? 180;
  const H = opts.nodeHeight ?? 34;
  const GX = opts.gapX ?? 80;
  const GY = opts.gapY ?? 14;
  const PAD = opts.pad ?? 16;

  const deps = new Map();
  for (const s of services) {
    deps.set(s.name, [...new Set(s.dependsOn || [])].filter((d) => d !== s.name).sort());
  }
  const phantom = new Set();
  for (const ds of [...deps.values()]) {
    for (const d of ds) {
      if (!deps.has(d)) {
        deps.set(d, []);
        phantom.add(d);
      }
    }
  }
  const names = [...deps.keys()].sort();

  // Depth-first search (iterative) for back edges and a post-order.
  const state = new Map(); // 1 on the stack, 2 finished
  const back = new Set();
  const postOrder = [];
  const key = (a, b) => `${a}\u0000${b}`;
  for (const root of names) {
    if (state.has(root)) {
      continue;
    }
    state.set(root, 1);
    const stack = [[root, 0]];
    while (stack.length) {
      const top = stack[stack.length - 1];
      const ds = deps.get(top[0]);
      if (top[1] < ds.length) {
        const d = ds[top[1]];
        top[1] += 1;
        const st = state.get(d);
        if (st === 1) {
          back.add(key(top[0], d));
        } else if (st === undefined) {
          state.set(d, 1);
          stack.push([d, 0]);
        }
      } else {
        state.set(top[0], 2);
        postOrder.push(top[0]);
        stack.pop();
      }
    }
  }

  // Reverse post-order is a topological order once back edges are dropped: callers come first.
  const col = new Map(names.map((n) => [n, 0]));
  for (const n of postOrder.reverse()) {
    for (const d of deps.get(n)) {
      if (!back.has(key(n, d))) {
        col.set(d, Math.max(col.get(d), col.get(n) + 1));
      }
    }
  }

  const columns = [];
  for (const n of names) {
    const c = col.get(n);
    (columns[c] = columns[c] || []).push(n);
  }
  for (let c = 0; c < columns.length; c++) {
    columns[c] = columns[c] || [];
  }
  const callers = new Map(names.map((n) => [n, []]));
  for (const n of names) {
    for (const d of deps.get(n)) {
      callers.get(d).push(n);
    }
  }
  const row = new Map();
  const place = (list) => list.forEach((n, i) => row.set(n, i));
  columns.forEach(place);
  const reorder = (list, neighbours) => {
    const score = new Map(list.map((n, i) => {
      const rows = neighbours(n).filter((m) => row.has(m) && col.get(m) !== col.get(n)).map((m) => row.get(m));
      return [n, rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : i];
    }));
    list.sort((a, b) => score.get(a) - score.get(b) || a.localeCompare(b));
    place(list);
  };
  for (let c = 1; c < columns.length; c++) {
    reorder(columns[c], (n) => callers.get(n));
  }
  for (let c = columns.length - 2; c >= 0; c--) {
    reorder(columns[c], (n) => deps.get(n));
  }

  const tallest = Math.max(1, ...columns.map((l) => l.length));
  const nodes = new Map();
  columns.forEach((list, c) => {
    const offset = ((tallest - list.length) * (H + GY)) / 2;
    list.forEach((n, r) => {
      nodes.set(n, {
        x: PAD + c * (W + GX), y: PAD + offset + r * (H + GY), col: c, row: r, phantom: phantom.has(n),
      });
    });
  });
  const edges = [];
  for (const n of names) {
    for (const d of deps.get(n)) {
      edges.push({ from: n, to: d, back: back.has(key(n, d)) });
    }
  }
  return {
    nodes,
    edges,
    width: PAD * 2 + Math.max(1, columns.length) * (W + GX) - GX,
    height: PAD * 2 + tallest * (H + GY) - GY,
    nodeWidth: W,
    nodeHeight: H,
  };
}
