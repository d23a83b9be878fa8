// Starts GOV.UK Frontend's JavaScript components. Every page works without it:
// this only enhances (menu toggle, error summary focus, notification banners).
import { initAll } from './govuk-frontend.min.js'

initAll()
