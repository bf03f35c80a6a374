// Time-series charts with uPlot (small, fast, canvas): one x axis of unix seconds, one or more series.
import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  color: string;
  values: (number | null)[];
}

export function TimeChart(props: { label: string; times: number[]; series: Series[]; unit?: string; points?: boolean }): JSX.Element {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = host.current;
    if (!element) return undefined;
    const width = (): number => Math.max(element.clientWidth, 240);
    const plot = new uPlot(
      {
        width: width(),
        height: 220,
        legend: { show: true },
        scales: { x: { time: true } },
        axes: [{}, { label: props.unit ?? '', size: 50 }],
        series: [
          {},
          ...props.series.map((series) => ({
            label: series.label,
            stroke: series.color,
            width: 2,
            points: { show: props.points ?? false },
          })),
        ],
      },
      [props.times, ...props.series.map((series) => series.values)],
      element,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: 220 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [props.times, props.series, props.unit, props.points]);
  return <div class="chart" role="img" aria-label={props.label} ref={host} />;
}
