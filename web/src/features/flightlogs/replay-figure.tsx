/** A labelled figure in the replay's panels. */
export function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <div className="replay-figure-label">{label}</div>
      <div className="replay-figure-value">{value}</div>
    </div>
  );
}
