# 5.1 读者: the two fields added by `add field` (step 4), documented in the PRD
/^| registered_on | date | | 是 | | | 办证日期 |/a\
| nickname | varchar | | 否 | | | 昵称 | 小张 |\
| points | int | | 是 | 0 | | 积分 | 0 |
# the changed field: 姓名 gets longer (varchar 50 → 100)
s/^| name | varchar | 50 | 是 | | | 姓名 |/| name | varchar | 100 | 是 | | | 姓名 |/
