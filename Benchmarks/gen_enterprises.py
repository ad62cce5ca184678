"""Writes N enterprise rows (valid GB 32100 credit codes) over the division codes given on
stdin, one per line: the input for Benchmarks/import.sh. Deterministic by --seed."""
import argparse
import csv
import random
import sys

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
INDUSTRIES = ["C3411", "C3824", "C3985", "C1369", "C1810", "C3021", "E4790", "F5191", "F5211", "G5430", "H6210", "I6510"]
WORDS = "华恒瑞鑫宏安庐皖新金国东方中科合力荣德兴顺联天科长汇盛远明泰源达丰信通诚和昌博创峰嘉晟锐康佳腾润星宇凯祥海林晨越成飞"


def code(rng, division):
    body = "91" + division[:6] + "".join(rng.choice(ALPHABET) for _ in range(9))
    total = sum(ALPHABET.index(c) * w for c, w in zip(body, WEIGHTS))
    return body + ALPHABET[(31 - total % 31) % 31]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rows", type=int)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    divisions = [line.strip() for line in sys.stdin if line.strip()]
    rng = random.Random(args.seed)
    out = csv.writer(sys.stdout, lineterminator="\r\n")
    out.writerow(["credit_code", "name", "aliases", "address", "division_code", "industry_code", "size_class", "above_scale",
                  "employees", "migrant_workers", "union_established", "legal_rep", "contact", "lat", "lon", "tags"])
    seen = set()
    while len(seen) < args.rows:
        division = rng.choice(divisions)
        c = code(rng, division)
        if c in seen:
            continue
        seen.add(c)
        employees = rng.randint(3, 3000)
        out.writerow([c, "合肥" + rng.choice(WORDS) + rng.choice(WORDS) + str(len(seen)) + "有限公司", "", "某街道某路%d号" % rng.randint(1, 999),
                      division, rng.choice(INDUSTRIES), rng.choice(["micro", "small", "medium", "large"]), rng.choice(["yes", "no"]),
                      employees, employees // 3, rng.choice(["yes", "no"]), "张三",
                      "1%d%09d" % (rng.choice([3, 5, 7, 8, 9]), rng.randint(0, 999999999)),
                      "%.6f" % rng.uniform(31.2, 32.4), "%.6f" % rng.uniform(116.9, 117.9), rng.choice(["", "外向型"])])


if __name__ == "__main__":
    main()
