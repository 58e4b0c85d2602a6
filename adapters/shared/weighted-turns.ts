/**
 * Whose turn it is among lanes that have work, by weight (stride scheduling): a lane of weight
 * w gets w turns for every 1 of a lane of weight 1 while both wait, and a lane that had nothing
 * waiting builds up no credit (it rejoins at the current turn, so it cannot take a burst of
 * turns when it comes back). Ties go to the heavier lane: a record of a heavier lane that just
 * arrived is served next.
 */
export class WeightedTurns {
  /** Each lane's position; the lane with the lowest position among those waiting goes next. */
  private readonly position = new Map<string, number>();
  /** The position of the last turn given. */
  private now = 0;

  constructor(private readonly weights: Readonly<Record<string, number>>) {}

  weightOf(lane: string): number {
    return Math.max(this.weights[lane] ?? 1, Number.MIN_VALUE);
  }

  /** Gives the next turn to one of `waiting` (lanes with work) and returns it; undefined when none waits. */
  take(waiting: Iterable<string>): string | undefined {
    let chosen: string | undefined;
    let chosenAt = Infinity;
    for (const lane of waiting) {
      const at = Math.max(this.position.get(lane) ?? this.now, this.now);
      if (at < chosenAt || (at === chosenAt && chosen !== undefined && this.weightOf(lane) > this.weightOf(chosen))) {
        chosen = lane;
        chosenAt = at;
      }
    }
    if (chosen === undefined) return undefined;
    this.now = chosenAt;
    this.position.set(chosen, chosenAt + 1 / this.weightOf(chosen));
    return chosen;
  }
}
