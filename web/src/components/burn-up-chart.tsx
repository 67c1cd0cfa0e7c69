import { LineChart, type LineSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  type GridComponentOption,
  LegendComponent,
  type LegendComponentOption,
  TooltipComponent,
  type TooltipComponentOption,
} from 'echarts/components';
import { type ComposeOption, init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Unit } from '../api-types.ts';
import type { BurnUpSeries } from '../burn-up.ts';
import { directionOf } from '../format.ts';
import { usePreferences } from '../preferences.tsx';

// Only what the burn-up draws: the full ECharts build is about a megabyte.
use([LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

type Option = ComposeOption<
  LineSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption
>;

const colors = { actual: '#0b6e64', target: '#1c2430', expected: '#6b7585', forecast: '#7a4fb0' };

/**
 * Actual against the target line, the expected pace and the forecast band.
 * Time runs toward the inline end: right to left in Arabic. Loaded on
 * demand (React.lazy) with ECharts, so the first screen does not wait for it.
 */
export default function BurnUpChart({
  series,
  unit,
  currency,
  summary,
}: {
  series: BurnUpSeries;
  unit: Unit;
  currency: string;
  /** The chart's content in words, for screen readers. */
  summary: string;
}) {
  const { t } = useTranslation();
  const { format, language } = usePreferences();
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const chart = init(element, undefined, { renderer: 'canvas' });
    const rtl = directionOf(language) === 'rtl';
    // The canvas runs left to right; an Arabic label with digits in it is isolated as right-to-left.
    const text = (label: string) => (rtl ? `\u2067${label}\u2069` : label);
    const value = (n: number) => text(format.metric(n, unit, currency, { compact: true }));
    const names = {
      actual: t('burnUp.actual'),
      target: t('burnUp.target'),
      expected: t('burnUp.expected'),
      forecast: t('burnUp.forecast'),
      range: t('burnUp.range'),
    };
    const lowToHigh = series.forecastHigh.map((high, i) => {
      const low = series.forecastLow[i];
      return high === null || low === null || low === undefined ? null : high - low;
    });
    const option: Option = {
      animation: false,
      textStyle: { fontFamily: getComputedStyle(element).fontFamily },
      grid: { top: 48, bottom: 32, left: rtl ? 16 : 96, right: rtl ? 96 : 16 },
      legend: {
        top: 0,
        [rtl ? 'right' : 'left']: 0,
        data: [names.actual, names.target, names.expected, names.forecast],
      },
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v) => (typeof v === 'number' ? value(v) : '—'),
      },
      xAxis: {
        type: 'category',
        data: series.days,
        inverse: rtl,
        boundaryGap: false,
        axisLabel: { formatter: (day: string) => text(format.day(day, 'short')) },
      },
      yAxis: {
        type: 'value',
        position: rtl ? 'right' : 'left',
        axisLabel: { formatter: (v: number) => value(v) },
      },
      series: [
        {
          name: names.range,
          type: 'line',
          data: series.forecastLow,
          stack: 'range',
          symbol: 'none',
          lineStyle: { opacity: 0 },
          tooltip: { show: false },
        },
        {
          name: names.range,
          type: 'line',
          data: lowToHigh,
          stack: 'range',
          symbol: 'none',
          lineStyle: { opacity: 0 },
          areaStyle: { color: colors.forecast, opacity: 0.15 },
          tooltip: { show: false },
        },
        {
          name: names.target,
          type: 'line',
          data: series.target,
          symbol: 'none',
          lineStyle: { color: colors.target, type: 'dashed', width: 1.5 },
          itemStyle: { color: colors.target },
        },
        {
          name: names.expected,
          type: 'line',
          data: series.expected,
          symbol: 'none',
          lineStyle: { color: colors.expected, type: 'dotted', width: 2 },
          itemStyle: { color: colors.expected },
        },
        {
          name: names.forecast,
          type: 'line',
          data: series.forecast,
          symbol: 'none',
          lineStyle: { color: colors.forecast, type: 'dashed', width: 2 },
          itemStyle: { color: colors.forecast },
        },
        {
          name: names.actual,
          type: 'line',
          data: series.actual,
          symbol: 'none',
          connectNulls: true,
          lineStyle: { color: colors.actual, width: 3 },
          itemStyle: { color: colors.actual },
        },
      ],
    };
    chart.setOption(option);
    const resize = new ResizeObserver(() => chart.resize());
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.dispose();
    };
  }, [series, unit, currency, format, language, t]);

  // dir="ltr": ECharts lays its canvas out left to right and mirrors the chart itself (above).
  return (
    <div
      ref={container}
      className="burn-up"
      dir="ltr"
      role="img"
      aria-label={summary}
      data-testid="burn-up"
    />
  );
}
