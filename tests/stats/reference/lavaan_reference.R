# Reference values from R lavaan for multi-group CFA / measurement invariance (issue 16).
# Run from the repository root:  Rscript tests/stats/reference/lavaan_reference.R
# Writes tests/stats/reference/lavaan_reference.json (data + lavaan fit measures); the tests
# read it and never need R. Debian: apt-get install r-cran-lavaan r-cran-jsonlite.
# Estimator: ML (lavaan default, likelihood "normal": chi-square = sum_g N_g F_g), marker-variable
# identification (first loading of each factor = 1), answers treated as continuous.
suppressPackageStartupMessages({ library(lavaan); library(jsonlite) })
out_dir <- "tests/stats/reference"
set.seed(16016)

likert <- function(z) findInterval(z, c(-1.5, -0.5, 0.5, 1.5)) + 3

# one factor, plus a minor factor shared by the first two items (so that the one-factor model
# misfits a little and CFI / RMSEA are not at their bounds); answers rounded to 2 decimals
gen <- function(n, lambda, nu, eta_mean = 0, eta_sd = 1, theta = 0.5, minor = 0.35) {
  k <- length(lambda)
  eta <- rnorm(n, eta_mean, eta_sd)
  m <- rnorm(n)
  y <- sapply(1:k, function(j) nu[j] + lambda[j] * eta + (j <= 2) * minor * m +
                rnorm(n, 0, sqrt(theta)))
  round(y, 2)
}

measures <- c("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea.ci.lower",
              "rmsea.ci.upper", "srmr", "baseline.chisq", "baseline.df", "npar")

fit_levels <- function(model, d, partial = list()) {
  levels <- list(configural = "", metric = c("loadings"),
                 scalar = c("loadings", "intercepts"))
  out <- lapply(levels, function(eq) {
    f <- cfa(model, data = d, group = "g", group.equal = eq, meanstructure = TRUE)
    fm <- fitMeasures(f, measures)
    c(as.list(fm), list(converged = lavInspect(f, "converged")))
  })
  for (nm in names(partial)) {
    f <- cfa(model, data = d, group = "g", group.equal = c("loadings", "intercepts"),
             group.partial = partial[[nm]], meanstructure = TRUE)
    out[[nm]] <- as.list(fitMeasures(f, measures))
  }
  out
}

pack <- function(d, items, model, partial = list()) {
  list(model = model, items = items, group = d$g,
       data = unname(as.list(d[, items])), fits = fit_levels(model, d, partial))
}

# A. two groups (e.g. gender), five items, invariant: loadings and intercepts equal
lam <- c(0.9, 0.8, 0.7, 0.85, 0.6); nu <- c(3.2, 3.0, 3.4, 2.9, 3.1)
ya <- rbind(gen(420, lam, nu), gen(360, lam, nu, eta_mean = 0.3, eta_sd = 1.2))
da <- data.frame(ya, g = rep(c("woman", "man"), c(420, 360)))
names(da)[1:5] <- paste0("y", 1:5)
ma <- "f =~ y1 + y2 + y3 + y4 + y5"
A <- pack(da, paste0("y", 1:5), ma)

# B. three groups (associations), six items, intercept of y4 shifted by +0.6 in group "c"
lam <- c(0.8, 0.7, 0.75, 0.8, 0.65, 0.7); nu <- c(3.0, 3.1, 2.9, 3.0, 3.2, 3.1)
nu_c <- nu; nu_c[4] <- nu[4] + 0.6
yb <- rbind(gen(300, lam, nu), gen(280, lam, nu, eta_mean = -0.2), gen(320, lam, nu_c, eta_mean = 0.1))
db <- data.frame(yb, g = rep(c("a", "b", "c"), c(300, 280, 320)))
names(db)[1:6] <- paste0("y", 1:6)
mb <- "f =~ y1 + y2 + y3 + y4 + y5 + y6"
partial_b <- setNames(lapply(1:6, function(j) paste0("y", j, " ~ 1")), paste0("free_nu_y", 1:6))
B <- pack(db, paste0("y", 1:6), mb, partial_b)

# C. two correlated factors (3 + 3 items), two groups, Likert answers 1..5
yc <- function(n, m) {
  f1 <- rnorm(n, m); f2 <- 0.5 * f1 + rnorm(n, 0, sqrt(0.75))
  l <- c(0.9, 0.8, 0.7)
  # y3 also loads 0.3 on f2 (a cross-loading the model leaves out)
  cbind(likert(l[1] * f1 + rnorm(n, 0, 0.7)), likert(l[2] * f1 + rnorm(n, 0, 0.7)),
        likert(l[3] * f1 + 0.3 * f2 + rnorm(n, 0, 0.7)),
        sapply(l, function(x) likert(x * f2 + rnorm(n, 0, 0.7))))
}
dc <- data.frame(rbind(yc(350, 0), yc(300, 0.2)), g = rep(c("p", "q"), c(350, 300)))
names(dc)[1:6] <- paste0("y", 1:6)
mc <- "f1 =~ y1 + y2 + y3\n f2 =~ y4 + y5 + y6"
C <- pack(dc, paste0("y", 1:6), mc)
C$pattern <- list(c(1, 0), c(1, 0), c(1, 0), c(0, 1), c(0, 1), c(0, 1))

res <- list(generated_by = "tests/stats/reference/lavaan_reference.R",
            r_version = R.version.string,
            lavaan_version = as.character(packageVersion("lavaan")),
            two_groups = A, planted_intercept = B, two_factors = C)
writeLines(toJSON(res, digits = NA, auto_unbox = TRUE, na = "null", pretty = FALSE),
           file.path(out_dir, "lavaan_reference.json"))
cat("wrote", file.path(out_dir, "lavaan_reference.json"), "\n")
