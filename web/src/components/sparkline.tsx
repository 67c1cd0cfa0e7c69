/**
 * A trend line without axes. Decorative (aria-hidden): the tile states the
 * figures in words. Time runs toward the inline end, so it mirrors in
 * right-to-left layouts (styles.css).
 */
export function Sparkline({ values }: { values: Array<number | null> }) {
  const width = 120;
  const height = 32;
  const known = values.filter((v): v is number => v !== null);
  if (known.length < 2) return null;
  const min = Math.min(...known);
  const max = Math.max(...known);
  const spread = max - min || 1;
  const step = width / Math.max(1, values.length - 1);
  const segments: string[][] = [[]];
  values.forEach((value, index) => {
    if (value === null) {
      segments.push([]);
      return;
    }
    const x = (index * step).toFixed(1);
    const y = (height - 2 - ((value - min) / spread) * (height - 4)).toFixed(1);
    segments.at(-1)?.push(`${x},${y}`);
  });
  return (
    <svg className="sparkline" viewBox={`0 0 ${width} ${height}`} aria-hidden="true" focusable="false">
      {segments
        .filter((points) => points.length > 1)
        .map((points) => (
          <polyline
            key={points[0]}
            points={points.join(' ')}
            fill="none"
            stroke="currentColor"
            strokeWidth="2"
          />
        ))}
    </svg>
  );
}
