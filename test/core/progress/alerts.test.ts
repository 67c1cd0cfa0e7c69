import { describe, expect, it } from 'vitest';
import { evaluateAlerts } from '../../../src/core/progress/index.ts';

describe('evaluateAlerts', () => {
  it('says nothing about a goal first seen on track', () => {
    const { events, next } = evaluateAlerts(null, { status: 'on_track', milestones: [] });
    expect(events).toEqual([]);
    expect(next).toEqual({ lastStatus: 'on_track', milestones: [] });
  });

  it('alerts a goal first seen at risk', () => {
    const { events } = evaluateAlerts(null, { status: 'at_risk', milestones: [] });
    expect(events).toEqual([{ kind: 'status_changed', from: 'on_track', to: 'at_risk' }]);
  });

  it('alerts each status change once', () => {
    const first = evaluateAlerts(
      { lastStatus: 'on_track', milestones: [] },
      { status: 'off_track', milestones: [] },
    );
    expect(first.events).toEqual([{ kind: 'status_changed', from: 'on_track', to: 'off_track' }]);
    const again = evaluateAlerts(first.next, { status: 'off_track', milestones: [] });
    expect(again.events).toEqual([]);
  });

  it('neither alerts nor forgets the last status when data goes missing', () => {
    const gap = evaluateAlerts(
      { lastStatus: 'at_risk', milestones: [] },
      { status: 'no_data', milestones: [] },
    );
    expect(gap.events).toEqual([]);
    expect(gap.next.lastStatus).toBe('at_risk');
    expect(evaluateAlerts(gap.next, { status: 'at_risk', milestones: [] }).events).toEqual([]);
  });

  it('alerts a milestone the first time only, even after dipping under it', () => {
    const crossed = evaluateAlerts(null, { status: 'on_track', milestones: ['half'] });
    expect(crossed.events).toEqual([{ kind: 'milestone', milestone: 'half' }]);
    const dipped = evaluateAlerts(crossed.next, { status: 'on_track', milestones: [] });
    expect(dipped.next.milestones).toEqual(['half']);
    expect(evaluateAlerts(dipped.next, { status: 'on_track', milestones: ['half'] }).events).toEqual([]);
  });

  it('alerts several milestones passed at once, in order', () => {
    const { events } = evaluateAlerts(
      { lastStatus: 'on_track', milestones: [] },
      { status: 'achieved', milestones: ['stretch', 'half', 'target'] },
    );
    expect(events).toEqual([
      { kind: 'status_changed', from: 'on_track', to: 'achieved' },
      { kind: 'milestone', milestone: 'half' },
      { kind: 'milestone', milestone: 'target' },
      { kind: 'milestone', milestone: 'stretch' },
    ]);
  });
});
