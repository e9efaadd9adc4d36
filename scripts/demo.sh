#!/bin/sh
# Creates var/demo.db (羊市镇 with its villages, groups, grids, one user per
# built-in role and a dozen cases of every procedure, some overdue) unless it
# exists, and says how to log in.  $1 = the zhenwu binary.
set -eu
bin=$1
mkdir -p var
if [ ! -f var/demo.db ]; then
    "$bin" init --db var/demo.db --township 500236126 --demo --credentials var/demo-credentials.txt
else
    echo "演示数据库 var/demo.db 已存在（删除它可重新创建）"
fi
echo
echo "打开 http://127.0.0.1:8080/ ，用户名 admin / leader / dengta 等（见上）"
if [ -n "${ZHENWU_DEMO_PASSWORD:-}" ]; then
    echo "密码：环境变量 ZHENWU_DEMO_PASSWORD 的值"
elif [ -f var/demo-credentials.txt ]; then
    echo "密码保存在 var/demo-credentials.txt"
fi
echo
