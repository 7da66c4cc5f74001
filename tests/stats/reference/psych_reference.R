# Reference values from R psych for tests/stats (issue 16: the four differences from psych).
# Run from the repository root:  Rscript tests/stats/reference/psych_reference.R
# Writes tests/stats/reference/psych_reference.json (data + psych output), which the tests read;
# the tests never need R. Debian: apt-get install r-cran-psych r-cran-jsonlite.
suppressPackageStartupMessages({ library(psych); library(jsonlite) })
out_dir <- "tests/stats/reference"
set.seed(20261203)

likert <- function(z, cuts = c(-1.2, -0.4, 0.4, 1.2)) findInterval(z, cuts) + 1

alpha_case <- function(x) {
  a <- suppressWarnings(suppressMessages(psych::alpha(x, warnings = FALSE, check.keys = FALSE)))
  tot <- a$total
  list(
    data = unname(as.list(as.data.frame(x))),  # columns, NA -> null
    items = colnames(x),
    total = list(raw_alpha = tot$raw_alpha, std_alpha = tot$std.alpha, G6 = tot[["G6(smc)"]],
                 average_r = tot$average_r, var_r = unname(a$var.r), med_r = tot$median_r,
                 sn = tot[["S/N"]]),
    drop = list(item = rownames(a$alpha.drop), raw_alpha = a$alpha.drop$raw_alpha,
                std_alpha = a$alpha.drop$std.alpha, G6 = a$alpha.drop[["G6(smc)"]],
                var_r = a$alpha.drop$var.r, med_r = a$alpha.drop$med.r),
    item_stats = list(item = rownames(a$item.stats), raw_r = a$item.stats$raw.r,
                      std_r = a$item.stats$std.r, r_cor = a$item.stats$r.cor,
                      r_drop = a$item.stats$r.drop)
  )
}

# 1. var.r from the lower triangle: 80 x 7, some answers missing (pairwise)
f <- rnorm(80)
x1 <- sapply(c(.8, .7, .6, .7, .5, .4, .65), function(l) likert(l * f + sqrt(1 - l^2) * rnorm(80)))
x1[sample(length(x1), 25)] <- NA
colnames(x1) <- paste0("i", 1:7)

# 2. fewer rows than items: 7 complete rows, 10 items (R is singular, rank 6)
f <- rnorm(7)
x2 <- sapply(seq(.5, .8, length.out = 10), function(l) likert(l * f + sqrt(1 - l^2) * rnorm(7)))
colnames(x2) <- paste0("i", 1:10)

# 3. a zero-variance item among five (psych drops it with a warning)
f <- rnorm(40)
x3 <- sapply(c(.7, .6, .7, .5, .6), function(l) likert(l * f + sqrt(1 - l^2) * rnorm(40)))
x3[, 3] <- 4
colnames(x3) <- paste0("i", 1:5)
r3 <- cor(rowMeans(x3), x3)  # raw.r with the constant item: NA (cor() of a constant)

# 4. polychoric on hard small tables: psych::polychoric (global thresholds, no correction at
# the optimum) and the maximum of psych's own likelihood found with a tight tolerance
hard <- list(
  list(c(2, 5, 2, 4, 1, 2, 4, 3), c(3, 5, 1, 4, 1, 3, 3, 3)),
  list(c(1, 5, 3, 3, 1, 2, 5, 4, 4, 1, 4, 3, 3), c(1, 4, 4, 4, 1, 2, 5, 4, 4, 2, 4, 2, 2)),
  list(c(2, 3, 5, 2, 5, 4, 3, 3), c(3, 3, 5, 3, 4, 4, 4, 4)),
  list(c(3, 3, 2, 3, 1, 3, 4, 4), c(4, 3, 2, 2, 2, 3, 4, 5)),
  list(c(2, 2, 1, 2, 3, 2, 2, 1), c(3, 2, 2, 2, 3, 3, 3, 1)),
  list(c(3, 4, 5, 3, 3, 3, 2, 3, 3, 3, 1), c(3, 3, 5, 3, 3, 4, 2, 2, 3, 3, 1))
)
for (i in 1:4) {  # ~10 rows, strongly negative
  z <- MASS::mvrnorm(10, c(0, 0), matrix(c(1, -.8, -.8, 1), 2))
  hard[[length(hard) + 1]] <- list(likert(z[, 1]), likert(z[, 2]))
}
poly <- lapply(hard, function(p) {
  x <- cbind(a = p[[1]], b = p[[2]])
  pc <- suppressWarnings(suppressMessages(psych::polychoric(x, correct = 0)))
  tab <- table(factor(x[, 1], levels = sort(unique(x[, 1]))),
               factor(x[, 2], levels = sort(unique(x[, 2]))))
  tab <- tab / sum(tab)
  rc <- qnorm(cumsum(rowSums(tab))[-nrow(tab)])
  cc <- qnorm(cumsum(colSums(tab))[-ncol(tab)])
  tight <- optimize(psych:::polyF, interval = c(-1, 1), rc = rc, cc = cc, tab = tab,
                    tol = 1e-10)
  list(a = p[[1]], b = p[[2]], psych_rho = pc$rho[1, 2], ml_rho = tight$minimum,
       ml_objective = tight$objective)
})

res <- list(
  generated_by = "tests/stats/reference/psych_reference.R",
  r_version = R.version.string,
  psych_version = as.character(packageVersion("psych")),
  var_r = alpha_case(x1),
  singular = alpha_case(x2),
  zero_variance = c(alpha_case(x3), list(raw_r_cor = as.list(as.numeric(r3)))),
  polychoric = poly
)
writeLines(toJSON(res, digits = NA, auto_unbox = TRUE, na = "null", pretty = TRUE),
           file.path(out_dir, "psych_reference.json"))
cat("wrote", file.path(out_dir, "psych_reference.json"), "\n")
