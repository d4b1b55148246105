// The text form of a simulation on a terminal: the core's text with the
// terminal's colours and control characters made safe.
import { type SimResult, simulationText } from '../core/index';
import { paint, type Style, terminalSafe } from './output';

export function renderSimulation(r: SimResult, title: string, style: Style): string {
  return simulationText(r, { title, paint: (s, t) => paint(style, s === 'dim' ? 'gray' : s, t), safe: terminalSafe });
}
