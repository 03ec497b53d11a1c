// Scenario events as vertical marks on a uPlot chart (a shaded span while an event lasts), for
// the Live tab's panels and a result's timeline charts alike.

/** A uPlot plugin drawing `marks()` ({ t, end, label }, in the chart's x units) over the series. */
export function eventMarksPlugin(marks) {
  return {
    hooks: {
      draw: [(u) => {
        const { ctx, bbox } = u;
        const right = bbox.left + bbox.width;
        ctx.save();
        ctx.strokeStyle = '#e0a040';
        ctx.fillStyle = '#e0a040';
        ctx.setLineDash([4, 3]);
        ctx.font = '11px system-ui, sans-serif';
        for (const m of marks()) {
          const x = u.valToPos(m.t, 'x', true);
          if (x < bbox.left || x > right) continue;
          if (m.end !== null && m.end !== undefined) {
            ctx.globalAlpha = 0.12;
            ctx.fillRect(x, bbox.top, Math.min(u.valToPos(m.end, 'x', true), right) - x, bbox.height);
            ctx.globalAlpha = 1;
          }
          ctx.beginPath();
          ctx.moveTo(x, bbox.top);
          ctx.lineTo(x, bbox.top + bbox.height);
          ctx.stroke();
          ctx.fillText(m.label, x + 4, bbox.top + 12);
        }
        ctx.restore();
      }],
    },
  };
}
