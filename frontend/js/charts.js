// Charts: each <canvas data-chart-kind> has its figures as JSON in the element with id "<canvas id>-data"
// (Django's json_script) and a data table beside it, which stays the exact, accessible version.
// Chart.js (chart.umd.min.js, loaded before this module) is window.Chart.

// GOV.UK Design System colours; the second line is dashed so the lines differ in more than colour.
const COLOURS = ['#1d70b8', '#d4351c', '#00703c', '#4c2c92', '#f47738', '#505a5f']

function draw (canvas) {
  const source = document.getElementById(canvas.id + '-data')
  if (!source || !window.Chart) {
    return
  }
  const figures = JSON.parse(source.textContent)
  const unit = canvas.dataset.chartUnit || ''
  const kind = canvas.dataset.chartKind === 'bar' ? 'bar' : 'line'
  // eslint-disable-next-line no-new
  new window.Chart(canvas, {
    type: kind,
    data: {
      labels: figures.labels,
      datasets: figures.series.map((series, index) => ({
        label: series.label,
        data: series.data,
        borderColor: COLOURS[index % COLOURS.length],
        backgroundColor: COLOURS[index % COLOURS.length],
        borderDash: kind === 'line' && index % 2 === 1 ? [6, 4] : [],
        pointStyle: ['circle', 'rect', 'triangle', 'rectRot'][index % 4],
        pointRadius: 4,
        spanGaps: true
      }))
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: {
        y: {
          beginAtZero: true,
          suggestedMax: unit === '%' ? 100 : undefined,
          ticks: { callback: (value) => value + unit }
        }
      },
      plugins: {
        legend: { labels: { usePointStyle: true } },
        tooltip: { callbacks: { label: (item) => item.dataset.label + ': ' + item.formattedValue + unit } }
      }
    }
  })
}

document.querySelectorAll('canvas[data-chart-kind]').forEach(draw)
