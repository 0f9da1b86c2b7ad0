// The console's ECharts: only the charts and components app.js draws
// (heatmap, sankey, bar; grid, tooltip, legend, visualMap, markLine; the
// canvas renderer), bundled and tree-shaken by esbuild into one script that
// sets window.echarts: about 0.6 MB where the full dist build is 1.1 MB.
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, SankeyChart } from 'echarts/charts';
import {
  GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, VisualMapComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, HeatmapChart, SankeyChart, GridComponent, LegendComponent,
  MarkLineComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);
window.echarts = echarts;
