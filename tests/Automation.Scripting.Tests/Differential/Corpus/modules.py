datetime.datetime(2024, 1, 2, 3, 4, 5), datetime.datetime(2024, 1, 2), datetime.date(2024, 2, 29), datetime.timedelta(days=1, hours=2)
#---
str(datetime.datetime(2024, 1, 2, 3, 4, 5)), str(datetime.date(2024, 12, 31)), str(datetime.timedelta(hours=25, minutes=1)), str(datetime.timedelta(seconds=-1))
#---
datetime.datetime(2024, 1, 31) + datetime.timedelta(days=1), datetime.date(2024, 3, 1) - datetime.timedelta(days=1), datetime.datetime(2024, 3, 1, 12) - datetime.datetime(2024, 2, 28)
#---
d = datetime.datetime(2024, 7, 14, 9, 5, 3, 123456)
r = (d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond, d.weekday(), d.isoweekday(), d.isoformat(), d.date())
#---
d = datetime.datetime(2024, 7, 4, 18, 30)
r = d.strftime('%Y-%m-%d %H:%M:%S | %d/%m/%y | %A %a %B %b | %I:%M %p | %j | %%')
#---
datetime.datetime.strptime('2024-03-05 14:07:09', '%Y-%m-%d %H:%M:%S'), datetime.datetime.strptime('05/03/24', '%d/%m/%y'), datetime.datetime.strptime('Mar 5 2024', '%b %d %Y')
#---
datetime.datetime.strptime('2024-13-01', '%Y-%m-%d')
#---
datetime.datetime.strptime('2024-01-01 extra', '%Y-%m-%d')
#---
datetime.date(2024, 2, 30)
#---
datetime.datetime(2024, 1, 1, 24)
#---
td = datetime.timedelta(weeks=1, days=2, hours=3, minutes=4, seconds=5, milliseconds=6, microseconds=7)
r = (td, td.days, td.seconds, td.microseconds, td.total_seconds(), str(td))
#---
datetime.timedelta(days=-1, seconds=30), str(datetime.timedelta(days=-2, hours=1)), -datetime.timedelta(hours=1), abs(datetime.timedelta(hours=-1)) if False else datetime.timedelta(0)
#---
datetime.timedelta(hours=1) * 3, datetime.timedelta(hours=3) / 2, datetime.timedelta(hours=3) / datetime.timedelta(minutes=30), datetime.timedelta(hours=3) // datetime.timedelta(minutes=40)
#---
datetime.date(2024, 1, 1) < datetime.date(2024, 1, 2), datetime.datetime(2024, 1, 1) == datetime.datetime(2024, 1, 1, 0, 0), datetime.timedelta(1) > datetime.timedelta(hours=23), max(datetime.date(2023, 5, 1), datetime.date(2024, 1, 1))
#---
d = datetime.datetime(2024, 1, 31, 10, 0)
r = (d.replace(day=1), d.replace(month=2, day=29), d.replace(hour=0, minute=15), d.replace(year=2023).year)
#---
datetime.datetime(2024, 1, 31).replace(month=2)
#---
datetime.date(2024, 5, 17).isoformat(), datetime.date(2024, 5, 17).strftime('%d.%m.%Y'), datetime.date(2024, 5, 17).weekday(), datetime.date.fromisoformat('2024-05-17')
#---
datetime.datetime.fromisoformat('2024-05-17T08:30:00'), datetime.datetime.fromisoformat('2024-05-17 08:30'), datetime.datetime.fromisoformat('2024-05-17')
#---
datetime.datetime.combine(datetime.date(2024, 1, 2), datetime.datetime(2000, 1, 1, 5, 6)) if False else datetime.datetime(2024, 1, 2) + datetime.timedelta(hours=5, minutes=6)
#---
f"{datetime.date(2024, 1, 5):%d/%m/%Y}", '{:%H:%M}'.format(datetime.datetime(2024, 1, 1, 7, 8)), format(datetime.timedelta(minutes=90))
#---
isinstance(datetime.datetime(2024, 1, 1), datetime.datetime), isinstance(datetime.date(2024, 1, 1), datetime.date), isinstance(datetime.timedelta(1), datetime.timedelta)
#---
sorted([datetime.date(2024, 3, 1), datetime.date(2023, 12, 31), datetime.date(2024, 1, 15)])
#---
(datetime.date(2024, 12, 25) - datetime.date(2024, 1, 1)).days, (datetime.datetime(2024, 1, 1, 12) - datetime.datetime(2024, 1, 1)).total_seconds()
#---
json.dumps({'a': 1, 'b': [1, 2.5, None, True], 'c': 'é\n"q"'})
#---
json.dumps([1, 'two', {'three': 3}], indent=2), json.dumps({'b': 1, 'a': 2}, sort_keys=True), json.dumps('x', ensure_ascii=False), json.dumps({'k': 'é'}, ensure_ascii=False)
#---
json.dumps({1: 'int key', 2.5: 'float', True: 'bool', None: 'none'}), json.dumps([]), json.dumps({}), json.dumps(float('inf')), json.dumps(10 ** 20)
#---
json.dumps({'a': [1, 2]}, separators=(',', ':')), json.dumps([1, [2, [3]]], indent=1), json.dumps({'x': {}}, indent=4)
#---
json.dumps({'d': datetime.date(2024, 1, 1)})
#---
json.dumps({(1, 2): 'tuple key'})
#---
json.loads('{"a": 1, "b": [true, false, null], "c": 1.5, "d": "x\\u00e9\\n", "e": -0, "f": 1e3, "g": 12345678901234567890}')
#---
json.loads('[1, 2'), 
#---
json.loads('')
#---
json.loads('{"a" 1}')
#---
json.loads('[1, 2] extra')
#---
json.loads("{'single': 1}")
#---
json.loads('NaN'), json.loads(' [ ] '), json.loads('"\\ud83d\\ude00"') == '\U0001F600' if False else json.loads('"\\u20ac"')
#---
json.loads(json.dumps({'round': ['trip', 1, 2.25, None]}))
#---
payload = json.loads('{"_model": "res.partner", "_id": "42", "name": "Ada"}')
r = (payload.get('_model'), int(payload.get('_id')), payload.get('email'), payload.get('name', '').upper())
